package dev.mcpstate.store;

import dev.mcpstate.store.internal.Checks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Persists the JSON-RPC messages of sessions as ordered streams of events, so that a client can resume a cut SSE
 * stream with {@code Last-Event-ID} (MCP spec 2025-11-25, "Resumability and Redelivery").
 *
 * <p>A session has many streams: one {@link StreamKind#RESPONSE} stream per POSTed request and one
 * {@link StreamKind#LISTENING} stream. Within a stream, events are totally ordered by entry id; entry ids are
 * unique across all streams of a session. Retention is bounded: a stream keeps at most
 * {@link StorageConfig#maxEventsPerStream()} events, events older than {@link StorageConfig#eventMaxAge()}
 * are trimmed, and a stream closed longer than {@link StorageConfig#closedStreamMaxAge()} ago is removed whole
 * ({@link #trim}).
 *
 * <p>Implementations are thread-safe. Every method throws {@link StoreException} on a storage fault.
 */
public interface EventStore {

    /**
     * Registers a stream. Opening a stream that exists already leaves it unchanged.
     *
     * @param sessionId the session; not null
     * @param streamId  the stream, of the form {@link EventId#streamId()}; not null
     * @param kind      the kind of stream; not null
     * @param ownerNode the node that produces the stream's events; not null
     */
    void openStream(String sessionId, String streamId, StreamKind kind, String ownerNode);

    /**
     * @return the stream, or empty when it was never opened or has been purged
     */
    Optional<StreamInfo> stream(String sessionId, String streamId);

    /**
     * Marks a stream as ended and records when (the store's clock), the time {@link #trim}'s {@code closedBefore}
     * compares; every method here that closes a stream records it so. Idempotent: closing again keeps the first
     * time; a stream that is not stored is ignored.
     */
    void closeStream(String sessionId, String streamId);

    /**
     * Appends one message to a stream and assigns its entry id. Durable when this method returns.
     *
     * @param sessionId the session; not null
     * @param streamId  the stream; need not be opened first; not null
     * @param direction which way the message travelled; not null
     * @param message   JSON-RPC message text; not null
     * @return the stored event with its id
     */
    StoredEvent append(String sessionId, String streamId, Direction direction, String message);

    /**
     * Opens a stream and appends its first message, as one atomic step where the backend allows (one
     * transaction, one Lua script): the request of a response stream arrives with the stream. Same effects as
     * {@link #openStream} followed by {@link #append}.
     *
     * @return the stored event with its id
     */
    default StoredEvent openStreamAndAppend(String sessionId, String streamId, StreamKind kind, String ownerNode,
            Direction direction, String message) {
        openStream(sessionId, streamId, kind, ownerNode);
        return append(sessionId, streamId, direction, message);
    }

    /**
     * Opens the response stream of a POSTed request with the request (direction client-to-server) and the first
     * message the server answers on it (server-to-client), as one atomic step — only while the session is live: its
     * record is stored and neither CLOSED nor EXPIRED. When that message is the final response the stream is closed
     * in the same step, so a request answered at once costs one write.
     *
     * <p>This is the first write of every request on the filter's hot path, and what makes a request on a session
     * that another node ended fail on this node, whatever this node remembers. Ordered like {@link #appendAsync}:
     * appends handed over later from the same thread (the stream's further events) are stored after it.
     *
     * @param sessionId  the session; not null
     * @param streamId   the new response stream; not null
     * @param ownerNode  the node instance that produces the stream's events; not null
     * @param request    the JSON-RPC request text; not null
     * @param firstEvent the first message sent on the stream, or null to store the request alone
     * @param last       true when {@code firstEvent} (or, without one, the request) ends the stream: it is closed
     * @return the stored first event (the request when {@code firstEvent} is null) once durable; empty when the
     *         session is not live (nothing was written); or a future failed with {@link StoreException}
     */
    CompletableFuture<Optional<StoredEvent>> openResponseStream(String sessionId, String streamId, String ownerNode,
            String request, String firstEvent, boolean last);

    /**
     * Appends a stream's last message and marks the stream ended, as one atomic step where the backend allows: the
     * final response of a response stream. Same effects as {@link #append} followed by {@link #closeStream}.
     *
     * @return the stored event with its id
     */
    default StoredEvent appendAndClose(String sessionId, String streamId, Direction direction, String message) {
        StoredEvent event = append(sessionId, streamId, direction, message);
        closeStream(sessionId, streamId);
        return event;
    }

    /**
     * {@link #append} without waiting: the returned future completes once the event is durable. Calls made one after
     * another from one thread are stored in call order. The default runs {@link #append} at once.
     *
     * @return the stored event, or a future failed with {@link StoreException}
     */
    default CompletableFuture<StoredEvent> appendAsync(String sessionId, String streamId, Direction direction,
            String message) {
        try {
            return CompletableFuture.completedFuture(append(sessionId, streamId, direction, message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #appendAndClose} without waiting, ordered like {@link #appendAsync}. The default runs it at once.
     *
     * @return the stored event, or a future failed with {@link StoreException}
     */
    default CompletableFuture<StoredEvent> appendAndCloseAsync(String sessionId, String streamId, Direction direction,
            String message) {
        try {
            return CompletableFuture.completedFuture(appendAndClose(sessionId, streamId, direction, message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #appendAsync} (or, with {@code last}, {@link #appendAndCloseAsync}) that keeps a stream gap-free under
     * faults: the event is stored only when the stream holds exactly {@code precedingEvents} events already (every
     * event appended to it since it was opened, trimmed ones included); otherwise nothing is written and the future
     * fails with {@link StoreException}. A producer that pipelines its appends passes the count it expects, so when
     * one append is lost — rejected while the connection to the store is down — the ones sent after it are refused
     * too, instead of landing after a hole once the store is reachable again. An append that overtook an earlier one
     * still on its way fails alike; the producer may send it again once the earlier one landed. The default does not
     * check: it suits backends where a failed write cannot be followed by a successful one of the same pipeline.
     *
     * @param precedingEvents how many events the stream must hold before this one; 0 or more
     * @param last            true to close the stream with this event
     * @return the stored event, or a future failed with {@link StreamGapException} when the count differs (nothing
     *         written), or with {@link StoreException}
     */
    default CompletableFuture<StoredEvent> appendAfter(String sessionId, String streamId, long precedingEvents,
            Direction direction, String message, boolean last) {
        return last ? appendAndCloseAsync(sessionId, streamId, direction, message)
                : appendAsync(sessionId, streamId, direction, message);
    }

    /**
     * {@link #appendAfter} for several consecutive events of one stream at once: a producer whose events come faster
     * than the store answers sends the ones that queued up meanwhile in one write (group commit). The first event is
     * stored behind exactly {@code precedingEvents} events, the others behind it in list order; with {@code last} the
     * stream is closed with the final one.
     *
     * <p>The default sends one {@link #appendAfter} per event, pipelined, each behind the one before, so each is as
     * conditional as that backend's {@code appendAfter} is; a fault may then leave a prefix stored, and the future
     * fails all the same. A backend that can store them in one write overrides it, atomically: all of them or none
     * (Redis: one script that also checks the count; SQLite: one task of its writer).
     *
     * @param sessionId       the session; not null
     * @param streamId        the stream; not null
     * @param precedingEvents how many events the stream must hold before the first of these; 0 or more
     * @param direction       the direction of every one of them; not null
     * @param messages        the JSON-RPC messages, oldest first; not null, at least one, no null element
     * @param last            true to close the stream with the final message
     * @return the stored events in list order, entry ids increasing; or a future failed with
     *         {@link StreamGapException} when the count differs, or with {@link StoreException}
     * @throws IllegalArgumentException when {@code messages} is empty or {@code precedingEvents} is negative
     */
    default CompletableFuture<List<StoredEvent>> appendAllAfter(String sessionId, String streamId,
            long precedingEvents, Direction direction, List<String> messages, boolean last) {
        Checks.notEmpty(messages, "messages");
        Checks.atLeast(precedingEvents, 0, "precedingEvents");
        List<CompletableFuture<StoredEvent>> appends = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            appends.add(appendAfter(sessionId, streamId, precedingEvents + i, direction, messages.get(i),
                    last && i == messages.size() - 1));
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
                .thenApply(done -> appends.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Reads the events of one stream strictly after a position, oldest first.
     *
     * @param sessionId the session; not null
     * @param streamId  the stream; not null
     * @param afterEntryId the entry id to read after, or {@link EventId#START} for the whole stream; not null
     * @param limit     the most events to return; at least 1
     * @return up to {@code limit} events, oldest first; empty when nothing follows
     */
    List<StoredEvent> readAfter(String sessionId, String streamId, String afterEntryId, int limit);

    /**
     * @return the entry id of the newest event of a stream, or {@link EventId#START} when it has none
     */
    String lastEntryId(String sessionId, String streamId);

    /**
     * Tells whether an entry id was issued in a stream: it is {@link EventId#START}, or an event with that entry
     * id is stored there, or it lies at or before the newest entry of the stream but was trimmed by retention.
     *
     * @return true when resuming after {@code entryId} is meaningful for that stream
     */
    boolean isKnownPosition(String sessionId, String streamId, String entryId);

    /**
     * Deletes every stream and event of a session.
     */
    void deleteSession(String sessionId);

    /**
     * Applies retention. A stream closed strictly before {@code closedBefore} is removed whole with its events
     * ({@link #stream} empty, none of its positions known): a closed stream is replayed only to a client that lost
     * it moments ago, so a long-lived session keeps the calls of the last minutes, not one stream per request it
     * ever answered. Then events created strictly before {@code olderThan} are trimmed from every stream; a closed
     * stream this leaves without events is removed whole too, an open one left empty keeps its positions known.
     *
     * @param olderThan    events created strictly before this are removed; not null
     * @param closedBefore streams closed strictly before this are removed whole; not null
     * @return how many events were removed, or -1 when the backend cannot count them
     */
    long trim(Instant olderThan, Instant closedBefore);

}
