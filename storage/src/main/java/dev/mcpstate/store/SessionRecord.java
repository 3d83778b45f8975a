package dev.mcpstate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One persisted MCP session. Immutable.
 *
 * @param sessionId          the server-issued {@code Mcp-Session-Id}; never null
 * @param status             lifecycle status; never null
 * @param protocolVersion    negotiated protocol version from the initialize result (e.g. {@code 2025-11-25});
 *                           null when unknown
 * @param clientInfo         JSON object text of {@code params.clientInfo}; null when absent
 * @param clientCapabilities JSON object text of {@code params.capabilities}; null when absent
 * @param initializeParams   JSON object text of the whole {@code initialize} params, as the client sent them;
 *                           used to re-admit the session on another node or after a restart; never null
 * @param principal          the authenticated caller bound to the session; null when the server has no auth
 * @param nodeId             id of the node that created the session; never null
 * @param createdAt          when the session was initialized; never null
 * @param lastSeenAt         when the session last received a request; never null
 * @param loggingLevel       the level the client set with {@code logging/setLevel} (e.g. {@code error}); null when
 *                           it never did (the server's default applies)
 */
public record SessionRecord(
        String sessionId,
        SessionStatus status,
        String protocolVersion,
        String clientInfo,
        String clientCapabilities,
        String initializeParams,
        String principal,
        String nodeId,
        Instant createdAt,
        Instant lastSeenAt,
        String loggingLevel) {

    public SessionRecord {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(status, "status must not be null");
        Objects.requireNonNull(initializeParams, "initializeParams must not be null");
        Objects.requireNonNull(nodeId, "nodeId must not be null");
        Objects.requireNonNull(createdAt, "createdAt must not be null");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt must not be null");
    }

    /** A record without a logging level: the client has not called {@code logging/setLevel}. */
    public SessionRecord(String sessionId, SessionStatus status, String protocolVersion, String clientInfo,
            String clientCapabilities, String initializeParams, String principal, String nodeId, Instant createdAt,
            Instant lastSeenAt) {
        this(sessionId, status, protocolVersion, clientInfo, clientCapabilities, initializeParams, principal, nodeId,
                createdAt, lastSeenAt, null);
    }

    /**
     * @param now     the current time
     * @param idleTtl the idle time after which a session expires
     * @return true when the session is EXPIRED, or was idle for longer than {@code idleTtl} at {@code now}
     */
    public boolean isExpiredAt(Instant now, Duration idleTtl) {
        return status == SessionStatus.EXPIRED || lastSeenAt.plus(idleTtl).isBefore(now);
    }

    /** @return a copy with another status */
    public SessionRecord withStatus(SessionStatus newStatus) {
        return new SessionRecord(sessionId, newStatus, protocolVersion, clientInfo, clientCapabilities,
                initializeParams, principal, nodeId, createdAt, lastSeenAt, loggingLevel);
    }

    /** @return a copy with another logging level */
    public SessionRecord withLoggingLevel(String level) {
        return new SessionRecord(sessionId, status, protocolVersion, clientInfo, clientCapabilities,
                initializeParams, principal, nodeId, createdAt, lastSeenAt, level);
    }

    /** @return a copy with another last-seen time */
    public SessionRecord withLastSeenAt(Instant at) {
        return new SessionRecord(sessionId, status, protocolVersion, clientInfo, clientCapabilities,
                initializeParams, principal, nodeId, createdAt, at, loggingLevel);
    }
}
