package dev.mcpstate.examples.server;

import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.SessionlessFeatures;
import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.sidecar.SidecarCallerExtractor;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * An example MCP server: Jetty 12 on one port, the MCP Java SDK's Streamable HTTP servlet at {@code /mcp}, the
 * mcp-state filter in front of it — which hands protocol 2026-07-28 requests to the SDK's modern server on the same
 * endpoint when the definition has {@linkplain ServerDefinition#sessionless sessionless features} — and the features
 * of a {@link ServerDefinition} — by default
 * {@link ExampleServer}: the demo tools and the state-sidecar tools on the same storage. The SDK transport hands
 * each request's principal to the tools ({@link SidecarCallerExtractor}), so the sidecar state is per principal.
 * Next to {@code /mcp}, outside the filter: {@code /health/live}, {@code /health/ready} and {@code /metrics} (the
 * filter's, Jetty's and the JVM's meters in a Prometheus registry: {@link McpStateJetty#mountOperations},
 * {@link McpStateJetty#instrument}).
 *
 * <p>Start with {@link #start(ServerOptions)}; {@link #close()} stops Jetty, the SDK server and the storage.
 */
public final class McpStateServer implements AutoCloseable {

    /** The MCP endpoint path. */
    public static final String ENDPOINT = "/mcp";
    /** Entries of Jetty's per-connection header field cache (Jetty's default: 1024, ~96 KiB per connection). */
    static final int HEADER_CACHE_SIZE = 64;
    /**
     * A connection silent this long in both directions is closed: 5 minutes, as long as a response stream may stay
     * silent (open streams send a keep-alive comment every 15 s).
     */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private final String name;
    private final Server jetty;
    private final HttpServletStreamableServerTransportProvider transport;
    private final McpSyncServer mcp;
    private final McpStateJetty state;
    private final URI uri;
    private final ServerOptions options;
    private final PrometheusMeterRegistry meters;

    private McpStateServer(String name, Server jetty, HttpServletStreamableServerTransportProvider transport,
            McpSyncServer mcp, McpStateJetty state, URI uri, ServerOptions options, PrometheusMeterRegistry meters) {
        this.meters = meters;
        this.name = name;
        this.jetty = jetty;
        this.transport = transport;
        this.mcp = mcp;
        this.state = state;
        this.uri = uri;
        this.options = options;
    }

    /**
     * Starts the example server ({@link ExampleServer}) with default filter settings.
     *
     * @param options where to listen and what to store in; not null
     * @return the running server
     * @throws Exception when the storage cannot be opened or the port cannot be bound
     */
    public static McpStateServer start(ServerOptions options) throws Exception {
        return start(options, InterceptorConfig.builder().build());
    }

    /**
     * Starts the example server ({@link ExampleServer}, with {@link ServerOptions#sidecarOptions()}) with tuned
     * filter settings.
     *
     * @param options where to listen and what to store in; not null
     * @param filter  filter settings; the node id and the rate limit of {@code options}, when set, replace its own;
     *                not null
     * @return the running server
     * @throws Exception when the storage cannot be opened or the port cannot be bound
     */
    public static McpStateServer start(ServerOptions options, InterceptorConfig filter) throws Exception {
        return start(options, filter, ExampleServer.of(options.sidecarOptions()));
    }

    /**
     * Starts a server serving {@code definition}'s features behind the mcp-state filter.
     *
     * @param options    where to listen and what to store in; not null
     * @param filter     filter settings; the node id and the rate limit of {@code options}, when set, replace its
     *                   own; its meter registry, when set, records next to the Prometheus registry {@code /metrics}
     *                   serves (itself when it is a {@code PrometheusMeterRegistry}); not null
     * @param definition the server's name and features; not null
     * @return the running server
     * @throws Exception when the storage cannot be opened or the port cannot be bound
     */
    public static McpStateServer start(ServerOptions options, InterceptorConfig filter, ServerDefinition definition)
            throws Exception {
        Server jetty = new Server();
        HttpConfiguration http = new HttpConfiguration();
        // Jetty keeps a header field cache per connection, ~96 KiB at its default size (1024): with thousands
        // of open SSE connections it is most of the heap; 64 entries cover the headers MCP clients repeat
        http.setHeaderCacheSize(HEADER_CACHE_SIZE);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        jetty.addConnector(connector);
        connector.open(); // bound now, so the URL (the OAuth resource identifier) is known before the filter
        URI uri = URI.create("http://" + hostForUri(options.host()) + ":" + connector.getLocalPort() + ENDPOINT);
        InterceptorConfig.Builder settings = options.nodeId() == null ? filter.toBuilder()
                : filter.toBuilder().nodeId(options.nodeId());
        if (options.rateLimit() > 0) {
            settings.rateLimit(options.rateLimit(), options.rateLimitBurst());
        }
        if (options.redis().nodeDeadAfter() != null) {
            settings.nodeDeadAfter(options.redis().nodeDeadAfter());
        }
        MeterRegistry given = filter.meterRegistry();
        PrometheusMeterRegistry meters = given instanceof PrometheusMeterRegistry prometheus ? prometheus
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        settings.meterRegistry(given == null || given == meters ? meters
                : new CompositeMeterRegistry(Clock.SYSTEM, List.of(meters, given)));
        if (options.requestStateKeys() != null) {
            settings.requestStateKeys(options.requestStateKeys());
        }
        McpStateJetty state;
        try {
            InterceptorConfig config = options.security() == ServerOptions.Security.NONE ? settings.build()
                    : options.security().applyTo(settings, uri).build();
            state = McpStateJetty.builder().storage(options.storage()).config(config).build();
        } catch (Exception | Error e) {
            connector.close();
            throw e;
        }
        try {
            HttpServletStreamableServerTransportProvider transport =
                    HttpServletStreamableServerTransportProvider.builder().mcpEndpoint(ENDPOINT)
                            .contextExtractor(new SidecarCallerExtractor()).build();
            McpSyncServer mcp = definition.build(McpServer.sync(state.clusterWide(transport)), state);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            // SDK 2.0.x (still supported) has no modern server: then the session era only
            SessionlessFeatures sessionless = McpStateJetty.sessionlessEraSupported() ? definition.sessionless(state)
                    : null;
            if (sessionless == null) {
                state.mount(context, ENDPOINT, transport);
            } else {
                state.mount(context, ENDPOINT, transport, SessionlessWiring.transport(definition, sessionless, state));
            }
            state.mountOperations(context, meters);
            jetty.setHandler(context);
            state.harden(jetty);
            state.instrument(jetty);
            jetty.setStopAtShutdown(false);
            jetty.start();
            return new McpStateServer(definition.name(), jetty, transport, mcp, state, uri, options, meters);
        } catch (Exception | Error e) {
            connector.close();
            state.close();
            throw e;
        }
    }

    private static String hostForUri(String host) {
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** @return the MCP endpoint URL, e.g. {@code http://127.0.0.1:8080/mcp} */
    public URI uri() {
        return uri;
    }

    /** @return the SDK server, e.g. to call {@code notifyClients} */
    public McpSyncServer mcp() {
        return mcp;
    }

    /**
     * Sends a notification to every live session, through their listening streams in the store, whichever node
     * holds them ({@code notifyClients} of {@link McpStateJetty#clusterWide}).
     *
     * @param method the notification method, e.g. {@code notifications/message}; not null
     * @param params the params object; may be null
     */
    public void notifyClients(String method, Object params) {
        state.clusterWide(transport).notifyClients(method, params).block();
    }

    /** @return the registry {@code /metrics} serves: the filter's meters, Jetty's and the JVM's */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** @return the mcp-state wiring (storage, filter settings) */
    public McpStateJetty state() {
        return state;
    }

    /** @return the one line printed when the server is ready */
    public String readyLine() {
        return name + " ready: url=" + uri + " store=" + options.storeDescription() + " node="
                + state.config().nodeId();
    }

    /** Waits until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops Jetty, then the SDK server, then the storage. Idempotent. */
    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            try {
                mcp.closeGracefully();
            } finally {
                state.close();
            }
        }
    }
}
