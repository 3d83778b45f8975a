package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link SessionStore} on a {@link SqliteDatabase}: one row per session in table {@code sessions}, times as epoch
 * milliseconds.
 *
 * <p>{@link #purge(Instant)} also deletes the streams and events of the purged sessions, in the same transaction
 * (the event store lives in the same database). Thread-safe; every method throws
 * {@link dev.mcpstate.store.StoreException} on a storage fault. {@link #close()} does nothing: the database belongs
 * to whoever opened it (normally {@link dev.mcpstate.store.Storage}).
 */
final class SqliteSessionStore implements SessionStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteSessionStore.class);

    private static final String PURGEABLE =
            "SELECT session_id FROM sessions WHERE status IN ('CLOSED', 'EXPIRED') OR last_seen_at < ?";

    private final SqliteDatabase db;

    /** @param db the shared database; not null */
    SqliteSessionStore(SqliteDatabase db) {
        this.db = Objects.requireNonNull(db, "db must not be null");
    }

    @Override
    public void save(SessionRecord s) {
        Objects.requireNonNull(s, "session must not be null");
        db.write("save session", tx -> tx.update("INSERT OR REPLACE INTO sessions (session_id, status, "
                        + "protocol_version, client_info, client_capabilities, initialize_params, principal, node_id, "
                        + "created_at, last_seen_at, logging_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                s.sessionId(), s.status().name(), s.protocolVersion(), s.clientInfo(), s.clientCapabilities(),
                s.initializeParams(), s.principal(), s.nodeId(), s.createdAt().toEpochMilli(),
                s.lastSeenAt().toEpochMilli(), s.loggingLevel()));
    }

    @Override
    public Optional<SessionRecord> find(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        return db.read("find session", tx -> tx.first("SELECT status, protocol_version, client_info, "
                + "client_capabilities, initialize_params, principal, node_id, created_at, last_seen_at, "
                + "logging_level FROM sessions WHERE session_id = ?", rs -> new SessionRecord(sessionId,
                        SessionStatus.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)),
                        Instant.ofEpochMilli(rs.getLong(9)), rs.getString(10)), sessionId));
    }

    @Override
    public boolean updateStatus(String sessionId, SessionStatus status) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(status, "status must not be null");
        return db.write("update session status", tx -> tx.update("UPDATE sessions SET status = ? "
                + "WHERE session_id = ? AND status NOT IN ('CLOSED', 'EXPIRED')", status.name(), sessionId)) == 1;
    }

    @Override
    public void updateLoggingLevel(String sessionId, String level) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(level, "level must not be null");
        db.write("update logging level", tx -> tx.update("UPDATE sessions SET logging_level = ? "
                + "WHERE session_id = ?", level, sessionId));
    }

    @Override
    public void touch(String sessionId, Instant at) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(at, "at must not be null");
        db.write("touch session", tx -> tx.update("UPDATE sessions SET last_seen_at = ? WHERE session_id = ?",
                at.toEpochMilli(), sessionId));
    }

    /** Group-committed with whatever else is being written. */
    @Override
    public CompletableFuture<Void> touchAsync(String sessionId, Instant at) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(at, "at must not be null");
        return db.writeAsync("touch session", tx -> tx.update("UPDATE sessions SET last_seen_at = ? "
                + "WHERE session_id = ?", at.toEpochMilli(), sessionId)).thenApply(rows -> null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Scans the whole {@code sessions} table (meant for a periodic background job) and deletes the purged
     * sessions' streams and events in the same transaction.
     */
    @Override
    public List<String> purge(Instant idleBefore) {
        Objects.requireNonNull(idleBefore, "idleBefore must not be null");
        long cutoff = idleBefore.toEpochMilli();
        List<String> purged = db.write("purge sessions", tx -> {
            List<String> ids = tx.strings(PURGEABLE, cutoff);
            for (String table : new String[] {"events", "streams", "sessions"}) {
                tx.update("DELETE FROM " + table + " WHERE session_id IN (" + PURGEABLE + ")", cutoff);
            }
            return ids;
        });
        if (!purged.isEmpty()) {
            log.debug("purged sessions count={} idleBefore={}", purged.size(), idleBefore);
        }
        return purged;
    }

    @Override
    public List<String> list() {
        return db.read("list sessions", tx -> tx.strings("SELECT session_id FROM sessions"));
    }

}
