package dev.mcpstate.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One JSON-RPC message of a session, as persisted. Immutable.
 *
 * @param sessionId the session; never null
 * @param id        the event id, naming the stream and the entry within it; never null
 * @param direction which way the message travelled; never null
 * @param message   the JSON-RPC message as JSON text, exactly as it crossed the wire; never null
 * @param createdAt when it was appended; never null
 */
public record StoredEvent(String sessionId, EventId id, Direction direction, String message, Instant createdAt) {

    public StoredEvent {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(direction, "direction must not be null");
        Objects.requireNonNull(message, "message must not be null");
        Objects.requireNonNull(createdAt, "createdAt must not be null");
    }
}
