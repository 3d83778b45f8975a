package dev.mcpstate.store;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * How the nodes that share one store talk to each other: deliver a client's JSON-RPC response to the node that
 * issued the server-to-client request, tell every node that a session ended, and tell whether a node is alive.
 *
 * <p>Each node instance has an <em>owner</em> tag ({@code <nodeId>#<instance>}) that it subscribes under. On
 * Redis this is pub/sub plus heartbeat keys ({@link RedisClusterBus}); on SQLite there is one node, and
 * {@link LocalClusterBus} delivers in process.
 *
 * <p>Implementations are thread-safe. Handlers run on a bus thread; they must not block for long.
 */
public interface ClusterBus extends AutoCloseable {

    /** @return this node instance's owner tag */
    String owner();

    /**
     * Sends a client's JSON-RPC response to the node instance that issued the request.
     *
     * @param owner     the issuing node instance; not null
     * @param sessionId the session; not null
     * @param response  the JSON-RPC response text, with the request id the SDK of that node issued; not null
     * @return true when a live node instance received it
     */
    boolean sendResponse(String owner, String sessionId, String response);

    /**
     * Receives the responses other nodes route to this one.
     *
     * @param handler called with (sessionId, response JSON text); not null
     */
    void onResponse(BiConsumer<String, String> handler);

    /** Tells every node that a session ended (DELETE or expiry), so they drop their local copy now. */
    void publishSessionEnded(String sessionId);

    /** @param handler called with the id of a session that ended on some node, this one included; not null */
    void onSessionEnded(Consumer<String> handler);

    /**
     * Tells every other node that a live session's stored record changed (e.g. its status or logging level), so
     * that what they remember of it is read again. The publishing node updates what it remembers itself, before it
     * publishes: its own message never comes back to it, so it cannot undo a newer record read meanwhile.
     */
    void publishSessionChanged(String sessionId);

    /** @param handler called with the id of a session whose record changed on another node; not null */
    void onSessionChanged(Consumer<String> handler);

    /**
     * Starts receiving {@link #onAppend wake-ups} for the streams of a session: where the backend is shared, every
     * append to one of its streams, on any node, is announced. Reference-counted: each call needs one
     * {@link #unwatch}. A bus of one node (nothing is appended elsewhere) announces nothing.
     *
     * @param sessionId the session; not null
     */
    void watch(String sessionId);

    /** Ends one {@link #watch} of a session; the last one stops its wake-ups. Unmatched calls are ignored. */
    void unwatch(String sessionId);

    /**
     * Receives the wake-ups of watched sessions. At most once and possibly late (a follower still re-reads the
     * store now and then): a wake-up only says "read the store now".
     *
     * @param handler called with (sessionId, streamId) on a bus thread; must not block; not null
     */
    void onAppend(BiConsumer<String, String> handler);

    /**
     * Tells every other node of a server change — a list changed or a resource updated, the notifications of
     * {@code subscriptions/listen} (MCP spec 2026-07-28, "Subscriptions") — so each feeds it to the listeners it
     * holds. Like {@link #publishSessionChanged}, the message never comes back to the publisher, which delivers to
     * its own listeners itself. Messages of one publisher reach each node in the order they were published; a node
     * that is down meanwhile misses them (listeners of the era without sessions re-list when they reconnect).
     *
     * <p>The default does nothing: a bus of one node has no other node to tell.
     *
     * @param change the change as a JSON-RPC notification text ({@code {"method":…,"params":…}}); not null
     * @throws StoreException when the message cannot be sent
     */
    default void publishServerChange(String change) {
        java.util.Objects.requireNonNull(change, "change must not be null");
    }

    /**
     * Receives the server changes other nodes publish. The default never calls the handler.
     *
     * @param handler called with the change's JSON text on a bus thread, in publish order per publisher; must not
     *                block; not null
     */
    default void onServerChange(Consumer<String> handler) {
        java.util.Objects.requireNonNull(handler, "handler must not be null");
    }

    /**
     * Claims this node instance's turn at a store-wide task that one node at a time should run, such as the purge and
     * trim of retention: true when no other live instance holds the turn, which then belongs to this one for
     * {@code turn}; the holder renews it by claiming again within that time. An instance that stops claiming (or dies)
     * loses the turn after {@code turn}, and {@link #close()} gives it up at once (a closed bus claims none). A turn
     * is a lease, not a lock: a holder slower than {@code turn} to renew (a long run, a pause) may find another
     * instance holding it meanwhile, so the task must stay safe to run twice at once.
     *
     * <p>The default returns true: a bus of one node has no other node to take turns with.
     *
     * @param task names the task, e.g. {@code "retention"}; not null
     * @param turn how long the turn lasts unless renewed; positive
     * @return true when this instance should run the task now
     * @throws StoreException when the store cannot be reached: the caller skips the task this time
     */
    default boolean claimTurn(String task, java.time.Duration turn) {
        java.util.Objects.requireNonNull(task, "task must not be null");
        java.util.Objects.requireNonNull(turn, "turn must not be null");
        return true;
    }

    /**
     * @param owner a node instance's owner tag; not null
     * @return true when that node instance has proved recently that it is alive
     */
    boolean isAlive(String owner);

    /** Stops heart-beating and unsubscribes. Idempotent. */
    @Override
    void close();
}
