package dev.mcpstate.sidecar.server;

import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.auth.StaticTokens;
import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.sidecar.SidecarCallerExtractor;
import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.sidecar.SidecarTools;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Objects;

/**
 * The sidecar tools served over Streamable HTTP at {@code http://host:port/mcp} by an embedded Jetty 12.
 *
 * <p>Start with {@link #start(SidecarServerConfig, Clock)}, stop with {@link #close()}. The endpoint sits behind the
 * mcp-state session filter ({@link McpStateJetty}) on the same storage as the tools: sessions survive restarts and
 * cut streams resume.
 *
 * <p>The SDK transport carries each request's principal to the tools ({@link SidecarCallerExtractor}): a request
 * whose {@code getUserPrincipal()} names a principal works on that principal's tenant, and is an admin when
 * {@code isUserInRole("admin")}. With {@link SidecarServerConfig#authTokens()} the filter authenticates every request
 * by its bearer token (401 without a listed one); without, callers are anonymous (the one anonymous tenant) unless
 * something in front authenticates them. The server is hardened ({@link McpStateJetty#harden}): JSON-RPC error
 * bodies, no {@code Server} header, bodies read before dispatch. Next to {@code /mcp}, outside the filter:
 * {@code /health/live}, {@code /health/ready} (the store answers) and {@code /metrics} (the filter's, Jetty's and the
 * JVM's meters, Prometheus text; {@link McpStateJetty#mountOperations}).
 */
public final class SidecarServer implements AutoCloseable {

    /** Name reported in the MCP {@code serverInfo}. */
    public static final String SERVER_NAME = "mcp-state-sidecar";

    private static final Logger log = LoggerFactory.getLogger(SidecarServer.class);

    private final Server jetty;
    private final McpSyncServer mcpServer;
    private final SidecarStore store;
    private final URI url;
    private final McpStateJetty state;

    private SidecarServer(Server jetty, McpSyncServer mcpServer, SidecarStore store, McpStateJetty state, URI url) {
        this.state = state;
        this.jetty = jetty;
        this.mcpServer = mcpServer;
        this.store = store;
        this.url = url;
    }

    /**
     * Opens the store and starts the HTTP server.
     *
     * @param config the configuration; not null
     * @param clock the store's time source; not null
     * @return the running server
     * @throws Exception when the store cannot be opened or the port bound (everything opened is closed again)
     */
    public static SidecarServer start(SidecarServerConfig config, Clock clock) throws Exception {
        return start(config, clock, null);
    }

    /**
     * Like {@link #start(SidecarServerConfig, Clock)}, with a servlet filter run first on every request to the
     * endpoint, before the session filter: e.g. authentication that wraps the request so that
     * {@code getUserPrincipal()} and {@code isUserInRole} answer (the tests' stand-in for a container's).
     *
     * @param authentication the filter, async-supported; null for none
     */
    static SidecarServer start(SidecarServerConfig config, Clock clock, Filter authentication) throws Exception {
        Objects.requireNonNull(config, "config must not be null");
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        McpStateJetty state = McpStateJetty.builder().storage(config.storage())
                .config(InterceptorConfig.builder().clock(clock).authenticator(config.authTokens() == null ? null
                        : StaticTokens.fromFile(config.authTokens())).allowedHosts(config.allowedHosts())
                        .allowedOrigins(config.allowedOrigins()).meterRegistry(meters).build()).build();
        SidecarStore store = state.storage().sidecar();
        Server jetty = new Server();
        McpSyncServer mcpServer = null;
        try {
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost(config.host());
            connector.setPort(config.port());
            jetty.addConnector(connector);

            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper())
                    .mcpEndpoint(SidecarServerConfig.MCP_PATH)
                    .contextExtractor(new SidecarCallerExtractor())
                    .build();
            mcpServer = buildMcpServer(McpServer.sync(transport), store, config.options());

            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            if (authentication != null) {
                FilterHolder holder = new FilterHolder(authentication);
                holder.setAsyncSupported(true);
                context.addFilter(holder, SidecarServerConfig.MCP_PATH, EnumSet.of(DispatcherType.REQUEST));
            }
            state.mount(context, SidecarServerConfig.MCP_PATH, transport);
            state.mountOperations(context, meters);
            jetty.setHandler(context);
            state.harden(jetty);
            state.instrument(jetty);
            jetty.start();

            URI url = URI.create("http://" + hostForUrl(config.host()) + ":" + connector.getLocalPort()
                    + SidecarServerConfig.MCP_PATH);
            log.info("sidecar started url={} backend={}", url, config.backendDescription());
            return new SidecarServer(jetty, mcpServer, store, state, url);
        } catch (Exception | Error e) {
            closeQuietly(jetty, mcpServer, state, e);
            throw e;
        }
    }

    /**
     * Adds the sidecar tools and this server's identity to an SDK server specification and builds it; works
     * for the HTTP and the stdio transport alike.
     *
     * @param spec the {@code McpServer.sync(transport)} specification; not null
     * @param store the store; not null
     * @param options tool input limits and who may reset; not null
     * @return the built server
     */
    public static McpSyncServer buildMcpServer(McpServer.SyncSpecification<?> spec, SidecarStore store,
            SidecarOptions options) {
        return spec.serverInfo(McpSchema.Implementation.builder(SERVER_NAME, version()).build())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .instructions("Shared state for cooperating agents: key-value with TTL (state_*), workflow runs "
                        + "(workflow_*), expiring leases with fencing tokens (lease_*), session snapshots "
                        + "(session_*), an audit log (history_log) and health (sidecar_health).")
                .tools(SidecarTools.specifications(store, options))
                .build();
    }

    /** @return the module version, or {@code "dev"} when not run from a built jar */
    static String version() {
        String version = SidecarServer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** @return the MCP endpoint, e.g. {@code http://127.0.0.1:8000/mcp} */
    public URI url() {
        return url;
    }

    /** @return the store the tools use */
    public SidecarStore store() {
        return store;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops the MCP server, Jetty and the store. Idempotent. */
    @Override
    public void close() {
        closeQuietly(jetty, mcpServer, state, null);
        log.info("sidecar stopped url={}", url);
    }

    private static void closeQuietly(Server jetty, McpSyncServer mcpServer, McpStateJetty state, Throwable cause) {
        try {
            if (mcpServer != null) {
                mcpServer.closeGracefully();
            }
        } catch (RuntimeException e) {
            log.debug("closing the MCP server failed", e);
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            log.debug("stopping Jetty failed", e);
        }
        try {
            state.close();
        } catch (RuntimeException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            } else {
                log.warn("closing the storage failed", e);
            }
        }
    }

    private static String hostForUrl(String host) {
        if (host.isEmpty() || host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
