package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mcpstate.store.StoreException;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link EventStore} on a {@link SqliteDatabase}.
 *
 * <p>Every event is one row of table {@code events}; its {@code INTEGER PRIMARY KEY AUTOINCREMENT} column
 * {@code seq} is the entry id (decimal digits, e.g. {@code 17}), so entry ids are unique across all streams of
 * all sessions, increase with every append and are never reused. Table {@code streams} holds the stream
 * information plus per-stream bookkeeping (newest issued {@code seq}, event count), so retention by
 * {@link dev.mcpstate.store.StorageConfig#maxEventsPerStream()} costs one indexed delete of the oldest event
 * when an append overflows the stream, never a count. Times are epoch milliseconds from the injected
 * {@link Clock}. Writes are group-committed by the {@link SqliteDatabase}'s writer; {@link #appendAsync} completes
 * once its transaction commits, and appends handed over from one thread commit in order. Reads run on read
 * connections.
 *
 * <p>{@link #isKnownPosition} treats an id as known when it is stored in the stream, or lies before the stream's
 * oldest retained event and at or before the newest id ever issued to the stream (a trimmed position).
 *
 * <p>Thread-safe; every method throws {@link dev.mcpstate.store.StoreException} on a storage fault, and
 * {@link #readAfter} throws {@link IllegalArgumentException} for an entry id that is not a decimal number.
 * {@link #close()} does nothing: the database belongs to whoever opened it.
 */
final class SqliteEventStore implements EventStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteEventStore.class);

    private static final String STREAM = " WHERE session_id = ? AND stream_id = ?";
    /** Parameters: session, stream, kind, owner, opened at. Leaves a stream that was opened before unchanged. */
    private static final String OPEN_STREAM = "INSERT INTO streams (session_id, stream_id, kind, owner_node, "
            + "opened_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, stream_id) DO UPDATE SET "
            + "kind = excluded.kind, owner_node = excluded.owner_node, opened_at = excluded.opened_at "
            + "WHERE streams.kind IS NULL";
    /** Parameters: session. */
    private static final String LIVE_SESSION = "SELECT 1 FROM sessions WHERE session_id = ? "
            + "AND status NOT IN ('CLOSED', 'EXPIRED')";
    /** Parameters: session, stream, direction, message, created at. Returns the seq. */
    private static final String INSERT_EVENT = "INSERT INTO events (session_id, stream_id, direction, message, "
            + "created_at) VALUES (?, ?, ?, ?, ?) RETURNING seq";
    /** Parameters: session, stream, request, created at, session, stream, event, created at. Returns both seqs. */
    private static final String INSERT_REQUEST_AND_EVENT = "INSERT INTO events (session_id, stream_id, direction, "
            + "message, created_at) VALUES (?, ?, 'CLIENT_TO_SERVER', ?, ?), (?, ?, 'SERVER_TO_CLIENT', ?, ?) "
            + "RETURNING seq";
    /**
     * Parameters: session, stream, kind, owner, opened at, closed (0 or 1), closed at (null while open), newest seq,
     * events added. Opens the stream unless it was opened before, closes it when asked (keeping an earlier closing
     * time), and counts the events; returns the stream's event count.
     */
    private static final String OPEN_RESPONSE_STREAM = "INSERT INTO streams (session_id, stream_id, kind, owner_node, "
            + "opened_at, closed, closed_at, last_seq, event_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (session_id, stream_id) DO UPDATE SET kind = coalesce(streams.kind, excluded.kind), "
            + "owner_node = iif(streams.kind IS NULL, excluded.owner_node, streams.owner_node), "
            + "opened_at = iif(streams.kind IS NULL, excluded.opened_at, streams.opened_at), "
            + "closed = max(streams.closed, excluded.closed), "
            + "closed_at = coalesce(streams.closed_at, excluded.closed_at), last_seq = excluded.last_seq, "
            + "event_count = streams.event_count + excluded.event_count RETURNING event_count";
    /** Parameters: closed at, session, stream. */
    private static final String CLOSE_STREAM = "UPDATE streams SET closed = 1, closed_at = coalesce(closed_at, ?)"
            + STREAM + " AND kind IS NOT NULL";

    /** Most closed streams one write of {@link #trim} removes. */
    static final int CLOSED_STREAMS_PER_WRITE = 100;
    /** Parameters: closed cutoff, limit. The oldest closed streams closed before the cutoff (streams_by_closed_at). */
    private static final String CLOSED_CHUNK = "(SELECT session_id, stream_id FROM streams WHERE closed_at < ? "
            + "ORDER BY closed_at LIMIT ?)";

    private final SqliteDatabase db;
    private final Clock clock;
    private final int maxEventsPerStream;

    /**
     * @param db                 the shared database; not null
     * @param clock              the source of event and stream times; not null
     * @param maxEventsPerStream events kept per stream; at least 1
     */
    SqliteEventStore(SqliteDatabase db, Clock clock, int maxEventsPerStream) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        if (maxEventsPerStream < 1) {
            throw new IllegalArgumentException("maxEventsPerStream must be at least 1, was: " + maxEventsPerStream);
        }
        this.maxEventsPerStream = maxEventsPerStream;
    }

    @Override
    public void openStream(String sessionId, String streamId, StreamKind kind, String ownerNode) {
        requireStream(sessionId, streamId);
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        long now = clock.millis();
        db.write("open stream", tx -> tx.update(OPEN_STREAM, sessionId, streamId, kind.name(), ownerNode, now));
    }

    @Override
    public Optional<StreamInfo> stream(String sessionId, String streamId) {
        requireStream(sessionId, streamId);
        return db.read("read stream", tx -> tx.first("SELECT kind, closed, owner_node, opened_at FROM streams"
                + STREAM + " AND kind IS NOT NULL", rs -> new StreamInfo(sessionId, streamId,
                        StreamKind.valueOf(rs.getString(1)), rs.getInt(2) != 0, rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4))), sessionId, streamId));
    }

    @Override
    public void closeStream(String sessionId, String streamId) {
        requireStream(sessionId, streamId);
        long now = clock.millis();
        db.write("close stream", tx -> tx.update(CLOSE_STREAM, now, sessionId, streamId));
    }

    @Override
    public StoredEvent append(String sessionId, String streamId, Direction direction, String message) {
        return join(appendWith(sessionId, streamId, direction, message, "append event", NOTHING, NOTHING));
    }

    /** One transaction: the stream row and its first event. */
    @Override
    public StoredEvent openStreamAndAppend(String sessionId, String streamId, StreamKind kind, String ownerNode,
            Direction direction, String message) {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        return join(appendWith(sessionId, streamId, direction, message, "open stream and append",
                (tx, now) -> tx.update(OPEN_STREAM, sessionId, streamId, kind.name(), ownerNode, now), NOTHING));
    }

    /** One transaction: the last event and the closed flag. */
    @Override
    public StoredEvent appendAndClose(String sessionId, String streamId, Direction direction, String message) {
        return join(appendWith(sessionId, streamId, direction, message, "append and close", NOTHING,
                (tx, now) -> tx.update(CLOSE_STREAM, now, sessionId, streamId)));
    }

    /**
     * One group-committed piece of work in three statements: the liveness check, the request and the first event in
     * one insert, and the stream row (opened, closed when {@code last}, its bookkeeping) in one upsert.
     */
    @Override
    public CompletableFuture<Optional<StoredEvent>> openResponseStream(String sessionId, String streamId,
            String ownerNode, String request, String firstEvent, boolean last) {
        requireStream(sessionId, streamId);
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        Objects.requireNonNull(request, "request must not be null");
        long now = clock.millis();
        return db.writeAsync("open response stream", tx -> {
            if (tx.firstLong(LIVE_SESSION, sessionId) == null) {
                return Optional.empty();
            }
            // the stored event returned: the first event, or the request when there is none
            Direction direction = firstEvent == null ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            String message = firstEvent == null ? request : firstEvent;
            long issued = firstEvent == null
                    ? tx.firstLong(INSERT_EVENT, sessionId, streamId, direction.name(), request, now)
                    // one row each, in this order: the request's seq is the smaller
                    : Collections.max(tx.query(INSERT_REQUEST_AND_EVENT, rs -> rs.getLong(1), sessionId, streamId,
                            request, now, sessionId, streamId, firstEvent, now));
            long count = tx.firstLong(OPEN_RESPONSE_STREAM, sessionId, streamId, StreamKind.RESPONSE.name(),
                    ownerNode, now, last ? 1 : 0, last ? now : null, issued, firstEvent == null ? 1 : 2);
            keepBound(tx, sessionId, streamId, count);
            return Optional.of(new StoredEvent(sessionId, new EventId(streamId, Long.toString(issued)), direction,
                    message, Instant.ofEpochMilli(now)));
        });
    }

    /** Group-committed: completes once the transaction holding the event commits. */
    @Override
    public CompletableFuture<StoredEvent> appendAsync(String sessionId, String streamId, Direction direction,
            String message) {
        return appendWith(sessionId, streamId, direction, message, "append event", NOTHING, NOTHING);
    }

    /** Group-committed like {@link #appendAsync}. */
    @Override
    public CompletableFuture<StoredEvent> appendAndCloseAsync(String sessionId, String streamId, Direction direction,
            String message) {
        return appendWith(sessionId, streamId, direction, message, "append and close", NOTHING,
                (tx, now) -> tx.update(CLOSE_STREAM, now, sessionId, streamId));
    }

    /**
     * One task of the writer for all of them, so they are stored together or not at all, in order, the stream
     * closed with the last when asked. The count is not checked, as with {@link #appendAfter}: the writer applies a
     * stream's writes in the order they were handed to it.
     */
    @Override
    public CompletableFuture<List<StoredEvent>> appendAllAfter(String sessionId, String streamId, long precedingEvents,
            Direction direction, List<String> messages, boolean last) {
        Checks.notEmpty(messages, "messages");
        Checks.atLeast(precedingEvents, 0, "precedingEvents");
        requireStream(sessionId, streamId);
        Objects.requireNonNull(direction, "direction must not be null");
        List<String> batch = List.copyOf(messages);
        long now = clock.millis();
        return db.writeAsync(last ? "append events and close" : "append events", tx -> {
            List<StoredEvent> stored = new ArrayList<>(batch.size());
            for (String message : batch) {
                stored.add(insert(tx, sessionId, streamId, direction, message, now));
            }
            if (last) {
                tx.update(CLOSE_STREAM, now, sessionId, streamId);
            }
            return stored;
        });
    }

    /** A step of an append transaction, given the transaction and the event time. */
    @FunctionalInterface
    private interface Step {
        void run(SqliteTx tx, long now) throws SQLException;
    }

    private static final Step NOTHING = (tx, now) -> {
    };

    private static StoredEvent join(CompletableFuture<StoredEvent> appended) {
        try {
            return appended.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof StoreException store ? store : e;
        }
    }

    private CompletableFuture<StoredEvent> appendWith(String sessionId, String streamId, Direction direction,
            String message, String what, Step before, Step after) {
        requireStream(sessionId, streamId);
        Objects.requireNonNull(direction, "direction must not be null");
        Objects.requireNonNull(message, "message must not be null");
        long now = clock.millis();
        return db.writeAsync(what, tx -> {
            before.run(tx, now);
            StoredEvent event = insert(tx, sessionId, streamId, direction, message, now);
            after.run(tx, now);
            return event;
        });
    }

    /** Inserts one event inside the writer's transaction, keeping the stream's bookkeeping and its length bound. */
    private StoredEvent insert(SqliteTx tx, String sessionId, String streamId, Direction direction, String message,
            long now) throws SQLException {
        long issued = tx.firstLong(INSERT_EVENT, sessionId, streamId, direction.name(), message, now);
        long count = tx.firstLong("INSERT INTO streams (session_id, stream_id, last_seq, event_count) "
                + "VALUES (?, ?, ?, 1) ON CONFLICT (session_id, stream_id) DO UPDATE SET "
                + "last_seq = excluded.last_seq, event_count = event_count + 1 RETURNING event_count",
                sessionId, streamId, issued);
        keepBound(tx, sessionId, streamId, count);
        return new StoredEvent(sessionId, new EventId(streamId, Long.toString(issued)), direction, message,
                Instant.ofEpochMilli(now));
    }

    /** Deletes a stream's oldest events past the bound, given the count its bookkeeping returned. */
    private void keepBound(SqliteTx tx, String sessionId, String streamId, long count) throws SQLException {
        if (count > maxEventsPerStream) {
            tx.update("DELETE FROM events WHERE seq IN (SELECT seq FROM events" + STREAM
                    + " ORDER BY seq LIMIT ?)", sessionId, streamId, count - maxEventsPerStream);
            tx.update("UPDATE streams SET event_count = ?" + STREAM, maxEventsPerStream, sessionId, streamId);
        }
    }

    @Override
    public List<StoredEvent> readAfter(String sessionId, String streamId, String afterEntryId, int limit) {
        requireStream(sessionId, streamId);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was: " + limit);
        }
        Long after = parse(afterEntryId);
        if (after == null) {
            throw new IllegalArgumentException("afterEntryId must be a decimal entry id, was: " + afterEntryId);
        }
        return db.read("read events", tx -> tx.query("SELECT seq, direction, message, created_at FROM events"
                + STREAM + " AND seq > ? ORDER BY seq LIMIT ?", rs -> new StoredEvent(sessionId,
                        new EventId(streamId, Long.toString(rs.getLong(1))), Direction.valueOf(rs.getString(2)),
                        rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))), sessionId, streamId, after, limit));
    }

    @Override
    public String lastEntryId(String sessionId, String streamId) {
        requireStream(sessionId, streamId);
        Long last = db.read("read last entry id",
                tx -> tx.firstLong("SELECT MAX(seq) FROM events" + STREAM, sessionId, streamId));
        return last == null ? EventId.START : Long.toString(last);
    }

    @Override
    public boolean isKnownPosition(String sessionId, String streamId, String entryId) {
        requireStream(sessionId, streamId);
        Objects.requireNonNull(entryId, "entryId must not be null");
        if (EventId.START.equals(entryId)) {
            return true;
        }
        Long position = parse(entryId);
        if (position == null) {
            return false;
        }
        return db.read("check event position", tx -> {
            Long stored = tx.firstLong("SELECT seq FROM events" + STREAM + " AND seq = ?", sessionId, streamId,
                    position);
            if (stored != null) {
                return true;
            }
            Long lastIssued = tx.firstLong("SELECT last_seq FROM streams" + STREAM, sessionId, streamId);
            Long oldest = tx.firstLong("SELECT MIN(seq) FROM events" + STREAM, sessionId, streamId);
            return lastIssued != null && position <= lastIssued && (oldest == null || position < oldest);
        });
    }

    @Override
    public void deleteSession(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        db.write("delete session events", tx -> {
            tx.update("DELETE FROM events WHERE session_id = ?", sessionId);
            return tx.update("DELETE FROM streams WHERE session_id = ?", sessionId);
        });
    }

    @Override
    public long trim(Instant olderThan, Instant closedBefore) {
        Objects.requireNonNull(olderThan, "olderThan must not be null");
        long cutoff = olderThan.toEpochMilli();
        long closedCutoff = Objects.requireNonNull(closedBefore, "closedBefore must not be null").toEpochMilli();
        long removed = 0;
        // closed long enough ago: the stream goes whole, a bounded chunk per write, so that the hot path's writes
        // queued meanwhile commit between the chunks rather than behind one long transaction
        while (true) {
            long[] chunk = db.write("trim closed streams", tx -> {
                long events = tx.update("DELETE FROM events WHERE (session_id, stream_id) IN " + CLOSED_CHUNK,
                        closedCutoff, CLOSED_STREAMS_PER_WRITE);
                // the same streams: nothing else writes between the two statements of the writer's transaction
                long streams = tx.update("DELETE FROM streams WHERE (session_id, stream_id) IN " + CLOSED_CHUNK,
                        closedCutoff, CLOSED_STREAMS_PER_WRITE);
                return new long[] {streams, events};
            });
            removed += chunk[1];
            if (chunk[0] < CLOSED_STREAMS_PER_WRITE) {
                break;
            }
        }
        removed += db.write("trim events", tx -> {
            tx.update("UPDATE streams SET event_count = event_count - (SELECT COUNT(*) FROM events e "
                    + "WHERE e.session_id = streams.session_id AND e.stream_id = streams.stream_id "
                    + "AND e.created_at < ?) WHERE (session_id, stream_id) IN "
                    + "(SELECT session_id, stream_id FROM events WHERE created_at < ?)", cutoff, cutoff);
            // a closed stream this trim leaves empty goes whole
            tx.update("DELETE FROM streams WHERE closed = 1 AND (session_id, stream_id) IN "
                    + "(SELECT session_id, stream_id FROM events WHERE created_at < ?) AND NOT EXISTS "
                    + "(SELECT 1 FROM events e WHERE e.session_id = streams.session_id "
                    + "AND e.stream_id = streams.stream_id AND e.created_at >= ?)", cutoff, cutoff);
            return (long) tx.update("DELETE FROM events WHERE created_at < ?", cutoff);
        });
        log.debug("trimmed events removed={} olderThan={}", removed, olderThan);
        return removed;
    }


    private static void requireStream(String sessionId, String streamId) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(streamId, "streamId must not be null");
    }

    /**
     * @return the entry id as a number ({@link Long#MAX_VALUE} for a number too large to have been issued), or
     *         null when it is not a decimal number
     */
    private static Long parse(String entryId) {
        Objects.requireNonNull(entryId, "entryId must not be null");
        if (entryId.isEmpty() || !entryId.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return null;
        }
        try {
            return Long.parseLong(entryId);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }
}
