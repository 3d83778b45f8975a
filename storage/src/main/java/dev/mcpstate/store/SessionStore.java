package dev.mcpstate.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Persists MCP session records, keyed by {@code Mcp-Session-Id}.
 *
 * <p>Implementations are thread-safe, and safe to share between nodes where the backend is shared (Redis).
 * Every method throws {@link StoreException} on a storage fault and never for an expected outcome such as an
 * unknown session.
 */
public interface SessionStore {

    /**
     * Stores a new session, or replaces the record of the same id.
     *
     * @param session the record; not null
     */
    void save(SessionRecord session);

    /**
     * @param sessionId an {@code Mcp-Session-Id}; not null
     * @return the record, or empty when none is stored (never created, or purged)
     */
    Optional<SessionRecord> find(String sessionId);

    /**
     * Moves a session to another status, unless it is already in a terminal status ({@link SessionStatus#CLOSED}
     * or {@link SessionStatus#EXPIRED}), which never changes. Atomic.
     *
     * @param sessionId the session; not null
     * @param status    the new status; not null
     * @return true when a non-terminal session of that id existed and now has {@code status}
     */
    boolean updateStatus(String sessionId, SessionStatus status);

    /**
     * Records activity on a session: sets its last-seen time. A session that is not stored is ignored.
     *
     * @param sessionId the session; not null
     * @param at        the time of the activity; not null
     */
    void touch(String sessionId, Instant at);

    /**
     * {@link #touch} without waiting, for activity the caller need not wait for. The default runs {@link #touch} at
     * once.
     *
     * @return a future that completes once the last-seen time is stored, or fails with {@link StoreException}
     */
    default CompletableFuture<Void> touchAsync(String sessionId, Instant at) {
        try {
            touch(sessionId, at);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Records the logging level the client set with {@code logging/setLevel}, so that every node applies it. A
     * session that is not stored is ignored.
     *
     * @param sessionId the session; not null
     * @param level     the level's wire name, e.g. {@code debug}, {@code error}; not null
     */
    void updateLoggingLevel(String sessionId, String level);

    /**
     * Deletes the records of sessions that are terminal, or idle since before {@code idleBefore}.
     *
     * @param idleBefore sessions last seen strictly before this instant are purged; not null
     * @return the ids of the purged sessions, in no particular order
     */
    List<String> purge(Instant idleBefore);

    /** @return the ids of all stored sessions, for monitoring; not for hot paths */
    List<String> list();

}
