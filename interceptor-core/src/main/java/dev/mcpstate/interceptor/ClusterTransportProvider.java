package dev.mcpstate.interceptor;

import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Objects;

/**
 * A decorator of the SDK's transport provider that makes server-initiated notifications cluster-wide. Hand it to
 * {@code McpServer.sync(...)} instead of the SDK servlet:
 *
 * <pre>{@code
 * McpServer.sync(new ClusterTransportProvider(transport))...build();   // or McpStateJetty#clusterWide(transport)
 * }</pre>
 *
 * <p>The SDK implements {@code notifyClients} (list-changed notifications, {@code McpSyncServer.notifyClients})
 * and {@code notifyClient} over the sessions <em>its own node</em> holds. Once the mcp-state filter is mounted
 * in front of the servlet, this decorator instead appends the notification to the listening stream of every live
 * session in the store (or of the one session), so it reaches the client whichever node holds its GET stream —
 * including sessions this node never served. Before the filter is mounted it simply delegates.
 *
 * <p>Everything else (the session factory, graceful close, protocol versions) goes to the SDK servlet unchanged.
 * Thread-safe.
 */
public final class ClusterTransportProvider implements McpStreamableServerTransportProvider {

    /** Delivers a notification through the store; installed by the filter. */
    public interface Broadcaster {

        /** Appends the notification to the listening stream of every live session. */
        void toAll(String method, Object params);

        /** Appends the notification to one session's listening stream, if that session is live. */
        void toOne(String sessionId, String method, Object params);
    }

    private final HttpServletStreamableServerTransportProvider sdk;
    private volatile Broadcaster broadcaster;

    /** @param sdk the SDK servlet, which the filter guards and Jetty serves; not null */
    public ClusterTransportProvider(HttpServletStreamableServerTransportProvider sdk) {
        this.sdk = Objects.requireNonNull(sdk, "sdk must not be null");
    }

    /** @return the SDK servlet this provider decorates */
    public HttpServletStreamableServerTransportProvider sdk() {
        return sdk;
    }

    /** Installs the broadcaster; called by the filter when it is mounted in front of {@link #sdk()}. */
    public void broadcaster(Broadcaster delivery) {
        this.broadcaster = Objects.requireNonNull(delivery, "delivery must not be null");
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
        sdk.setSessionFactory(sessionFactory);
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        Broadcaster delivery = broadcaster;
        return delivery == null ? sdk.notifyClients(method, params)
                : Mono.fromRunnable(() -> delivery.toAll(method, params));
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        Broadcaster delivery = broadcaster;
        return delivery == null ? sdk.notifyClient(sessionId, method, params)
                : Mono.fromRunnable(() -> delivery.toOne(sessionId, method, params));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return sdk.closeGracefully();
    }

    @Override
    public List<String> protocolVersions() {
        return sdk.protocolVersions();
    }
}
