package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link EventStore} on a {@link SqliteDatabase}.
 *
 * <p>Every event is one row of table {@code events}; its {@code INTEGER PRIMARY KEY AUTOINCREMENT} column
 * {@code seq} is the entry id (decimal digits, e.g. {@code 17}), so entry ids are unique across all streams of
 * all sessions, increase with every append and are never reused. Table {@code streams} holds the stream
 * information plus per-stream bookkeeping (newest issued {@code seq}, event count), so retention by
 * {@link dev.mcpstate.store.StorageConfig#maxEventsPerStream()} costs one indexed delete of the oldest event
 * when an append overflows the stream, never a count. Times are epoch milliseconds from the injected
 * {@link Clock}.
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
    /** Parameters: session, stream. */
    private static final String CLOSE_STREAM = "UPDATE streams SET closed = 1" + STREAM + " AND kind IS NOT NULL";

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
        db.update("open stream", OPEN_STREAM, sessionId, streamId, kind.name(), ownerNode, clock.millis());
    }

    @Override
    public Optional<StreamInfo> stream(String sessionId, String streamId) {
        requireStream(sessionId, streamId);
        return db.withConnection("read stream", c -> {
            try (PreparedStatement ps = SqliteDatabase.prepare(c, "SELECT kind, closed, owner_node, opened_at "
                    + "FROM streams" + STREAM + " AND kind IS NOT NULL", sessionId, streamId);
                 ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StreamInfo(sessionId, streamId, StreamKind.valueOf(rs.getString(1)),
                                rs.getInt(2) != 0, rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))))
                        : Optional.empty();
            }
        });
    }

    @Override
    public void closeStream(String sessionId, String streamId) {
        requireStream(sessionId, streamId);
        db.update("close stream", CLOSE_STREAM, sessionId, streamId);
    }

    @Override
    public StoredEvent append(String sessionId, String streamId, Direction direction, String message) {
        return appendWith(sessionId, streamId, direction, message, "append event", (c, now) -> {
        }, (c, now) -> {
        });
    }

    /** One transaction: the stream row and its first event. */
    @Override
    public StoredEvent openStreamAndAppend(String sessionId, String streamId, StreamKind kind, String ownerNode,
            Direction direction, String message) {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        return appendWith(sessionId, streamId, direction, message, "open stream and append",
                (c, now) -> execute(c, OPEN_STREAM, sessionId, streamId, kind.name(), ownerNode, now),
                (c, now) -> {
                });
    }

    /** One transaction: the last event and the closed flag. */
    @Override
    public StoredEvent appendAndClose(String sessionId, String streamId, Direction direction, String message) {
        return appendWith(sessionId, streamId, direction, message, "append and close", (c, now) -> {
        }, (c, now) -> execute(c, CLOSE_STREAM, sessionId, streamId));
    }

    /** A step of an append transaction, given the connection and the event time. */
    @FunctionalInterface
    private interface Step {
        void run(Connection c, long now) throws SQLException;
    }

    private static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = SqliteDatabase.prepare(c, sql, args)) {
            ps.executeUpdate();
        }
    }

    private StoredEvent appendWith(String sessionId, String streamId, Direction direction, String message,
            String what, Step before, Step after) {
        requireStream(sessionId, streamId);
        Objects.requireNonNull(direction, "direction must not be null");
        Objects.requireNonNull(message, "message must not be null");
        long now = clock.millis();
        long seq = db.inTransaction(what, c -> {
            before.run(c, now);
            long issued = SqliteDatabase.firstLong(c, "INSERT INTO events (session_id, stream_id, direction, "
                    + "message, created_at) VALUES (?, ?, ?, ?, ?) RETURNING seq",
                    sessionId, streamId, direction.name(), message, now);
            long count = SqliteDatabase.firstLong(c, "INSERT INTO streams (session_id, stream_id, last_seq, "
                    + "event_count) VALUES (?, ?, ?, 1) ON CONFLICT (session_id, stream_id) DO UPDATE SET "
                    + "last_seq = excluded.last_seq, event_count = event_count + 1 RETURNING event_count",
                    sessionId, streamId, issued);
            if (count > maxEventsPerStream) {
                try (PreparedStatement ps = SqliteDatabase.prepare(c, "DELETE FROM events WHERE seq IN "
                        + "(SELECT seq FROM events" + STREAM + " ORDER BY seq LIMIT ?)",
                        sessionId, streamId, count - maxEventsPerStream);
                     PreparedStatement recount = SqliteDatabase.prepare(c,
                             "UPDATE streams SET event_count = ?" + STREAM, maxEventsPerStream, sessionId, streamId)) {
                    ps.executeUpdate();
                    recount.executeUpdate();
                }
            }
            after.run(c, now);
            return issued;
        });
        return new StoredEvent(sessionId, new EventId(streamId, Long.toString(seq)), direction, message,
                Instant.ofEpochMilli(now));
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
        return db.withConnection("read events", c -> {
            List<StoredEvent> events = new ArrayList<>();
            try (PreparedStatement ps = SqliteDatabase.prepare(c, "SELECT seq, direction, message, created_at "
                    + "FROM events" + STREAM + " AND seq > ? ORDER BY seq LIMIT ?", sessionId, streamId, after, limit);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new StoredEvent(sessionId, new EventId(streamId, Long.toString(rs.getLong(1))),
                            Direction.valueOf(rs.getString(2)), rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
            return events;
        });
    }

    @Override
    public String lastEntryId(String sessionId, String streamId) {
        requireStream(sessionId, streamId);
        Long last = db.withConnection("read last entry id",
                c -> SqliteDatabase.firstLong(c, "SELECT MAX(seq) FROM events" + STREAM, sessionId, streamId));
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
        return db.withConnection("check event position", c -> {
            Long stored = SqliteDatabase.firstLong(c, "SELECT seq FROM events" + STREAM + " AND seq = ?",
                    sessionId, streamId, position);
            if (stored != null) {
                return true;
            }
            Long lastIssued = SqliteDatabase.firstLong(c, "SELECT last_seq FROM streams" + STREAM,
                    sessionId, streamId);
            Long oldest = SqliteDatabase.firstLong(c, "SELECT MIN(seq) FROM events" + STREAM, sessionId, streamId);
            return lastIssued != null && position <= lastIssued && (oldest == null || position < oldest);
        });
    }

    @Override
    public void deleteSession(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        db.inTransaction("delete session events", c -> {
            for (String table : new String[] {"events", "streams"}) {
                try (PreparedStatement ps = SqliteDatabase.prepare(c,
                        "DELETE FROM " + table + " WHERE session_id = ?", sessionId)) {
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public long trim(Instant olderThan) {
        Objects.requireNonNull(olderThan, "olderThan must not be null");
        long cutoff = olderThan.toEpochMilli();
        long removed = db.inTransaction("trim events", c -> {
            try (PreparedStatement recount = SqliteDatabase.prepare(c, "UPDATE streams SET event_count = "
                    + "event_count - (SELECT COUNT(*) FROM events e WHERE e.session_id = streams.session_id "
                    + "AND e.stream_id = streams.stream_id AND e.created_at < ?) WHERE (session_id, stream_id) IN "
                    + "(SELECT session_id, stream_id FROM events WHERE created_at < ?)", cutoff, cutoff);
                 PreparedStatement delete = SqliteDatabase.prepare(c,
                         "DELETE FROM events WHERE created_at < ?", cutoff)) {
                recount.executeUpdate();
                return (long) delete.executeUpdate();
            }
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
