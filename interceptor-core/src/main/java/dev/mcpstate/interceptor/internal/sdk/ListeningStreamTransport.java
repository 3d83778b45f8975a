package dev.mcpstate.interceptor.internal.sdk;

import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.resume.StreamIds;
import dev.mcpstate.interceptor.internal.route.RoutedIds;
import dev.mcpstate.store.Direction;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import reactor.core.publisher.Mono;

import java.util.Objects;

/**
 * The SDK-side end of a session's listening stream: every message the SDK sends outside a request
 * (notifications, {@code notifyClients}, server-initiated requests without a request context) is appended to the
 * session's {@link StreamIds#LISTENING} stream in the store, whether or not a client holds a GET stream right now.
 * Clients read that stream through the filter ({@code StreamResumption}), on any node, resumable by event id.
 *
 * <p>Thread-safe. {@link #sendMessage} fails its {@link Mono} with the store's exception when the append fails.
 * Closing does nothing: the stream lives as long as the session.
 */
public final class ListeningStreamTransport implements McpStreamableServerTransport {

    private final String sessionId;
    private final StreamHub hub;
    private final McpJsonMapper jsonMapper;
    private final String owner;

    /**
     * @param sessionId  the session; not null
     * @param hub        appends and wakes followers; not null
     * @param jsonMapper serializes SDK messages; not null
     * @param owner      this node instance's owner tag, namespacing server-to-client request ids; not null
     */
    public ListeningStreamTransport(String sessionId, StreamHub hub, McpJsonMapper jsonMapper, String owner) {
        this.owner = Objects.requireNonNull(owner, "owner must not be null");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId must not be null");
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper must not be null");
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> {
            String json;
            try {
                json = jsonMapper.writeValueAsString(message);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot serialize " + message.getClass().getSimpleName(), e);
            }
            hub.append(sessionId, StreamIds.LISTENING, Direction.SERVER_TO_CLIENT, RoutedIds.namespace(owner, json));
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return jsonMapper.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    @Override
    public void close() {
        // the listening stream ends with its session, not with the SDK's stream object
    }
}
