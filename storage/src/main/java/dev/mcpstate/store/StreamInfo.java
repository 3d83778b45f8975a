package dev.mcpstate.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store knows about one stream of a session. Immutable.
 *
 * @param sessionId the session; never null
 * @param streamId  the stream; never null
 * @param kind      response stream or listening stream; never null
 * @param closed    true once the stream has ended: no event will be appended to it any more
 * @param ownerNode id of the node producing the stream's events; never null
 * @param openedAt  when the stream was opened; never null
 */
public record StreamInfo(String sessionId, String streamId, StreamKind kind, boolean closed, String ownerNode,
        Instant openedAt) {

    public StreamInfo {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        Objects.requireNonNull(openedAt, "openedAt must not be null");
    }
}
