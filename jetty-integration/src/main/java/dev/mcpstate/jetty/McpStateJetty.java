package dev.mcpstate.jetty;

import dev.mcpstate.interceptor.ClusterTransportProvider;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.interceptor.auth.ProtectedResourceMetadata;
import dev.mcpstate.interceptor.auth.ProtectedResourceMetadataServlet;
import dev.mcpstate.jetty.internal.BodyFirstHandler;
import dev.mcpstate.jetty.internal.JsonErrorHandler;
import dev.mcpstate.jetty.internal.JsonServletErrorHandler;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.interceptor.ClusterChangeFeed;
import dev.mcpstate.interceptor.ClusterRequestStateCodec;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Wraps an MCP Java SDK server running in Jetty 12 (ee10) with the mcp-state session filter.
 *
 * <pre>{@code
 * McpStateJetty state = McpStateJetty.builder()
 *         .storage(StorageConfig.sqlite(Path.of("mcp-state.db")))   // or StorageConfig.redis("redis://...")
 *         .build();
 * var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
 * McpServer.sync(state.clusterWide(transport)).serverInfo("my-server", "1.0").tools(myTools).build();
 * ServletContextHandler context = new ServletContextHandler();
 * state.mount(context, "/mcp", transport);
 * }</pre>
 *
 * <p>Owns the {@link Storage} it opens and the filters it mounts; {@link #close()} releases them. Thread-safe.
 */
public final class McpStateJetty implements AutoCloseable {

    /** How long a POST body may take to arrive unless configured: 10 s. */
    public static final Duration DEFAULT_BODY_DEADLINE = Duration.ofSeconds(10);

    private final Storage storage;
    private final InterceptorConfig config;
    private final Duration bodyDeadline;
    private final int maxConnections;
    private final List<McpStateFilter> filters = new ArrayList<>();
    private final Map<HttpServletStreamableServerTransportProvider, ClusterTransportProvider> clusterWide =
            new IdentityHashMap<>();
    /** Created on first use: the change feed of every modern server this wiring mounts. */
    private ClusterChangeFeed changeFeed;

    private McpStateJetty(Storage storage, InterceptorConfig config, Duration bodyDeadline, int maxConnections) {
        this.storage = storage;
        this.config = config;
        this.bodyDeadline = bodyDeadline;
        this.maxConnections = maxConnections;
    }

    /** @return a builder: SQLite {@code ./mcp-state.db} and default filter settings unless set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the open storage, to share with other components (e.g. the sidecar tools) */
    public Storage storage() {
        return storage;
    }

    /** @return the filter settings */
    public InterceptorConfig config() {
        return config;
    }

    /**
     * Wraps the SDK servlet so that server-initiated notifications ({@code notifyClients}, list-changed,
     * {@code notifyClient}) reach every live session through the store, whichever node holds its listening stream.
     * Optional: pass the result to {@code McpServer.sync(...)} instead of {@code transport}, then
     * {@link #mount} {@code transport} as usual.
     *
     * @param transport the SDK servlet; not null
     * @return the decorator to build the MCP server with
     */
    public synchronized ClusterTransportProvider clusterWide(HttpServletStreamableServerTransportProvider transport) {
        Objects.requireNonNull(transport, "transport must not be null");
        return clusterWide.computeIfAbsent(transport, ClusterTransportProvider::new);
    }

    /**
     * The change feed of {@code subscriptions/listen} for the era without sessions (spec 2026-07-28,
     * "Subscriptions"), carried between the nodes by the filter that {@link #mount(ServletContextHandler, String,
     * HttpServletStreamableServerTransportProvider, HttpServletMcpTransport) mount} puts in front of the modern
     * servlet: build the modern server with {@code .subscriptions(state.changeFeed())} and broadcast changes
     * through it.
     *
     * @return the one feed of this wiring; the same on every call
     */
    public synchronized ClusterChangeFeed changeFeed() {
        if (changeFeed == null) {
            changeFeed = new ClusterChangeFeed();
        }
        return changeFeed;
    }

    /**
     * The {@code requestState} codec for the era without sessions: the keys and lifetime of the configuration
     * ({@link InterceptorConfig#requestStateKeys()}, the same on every node), single-use state consumed in this
     * wiring's storage ({@link Storage#requestStates()}).
     *
     * @param principal who calls, from the request's transport context (null: anonymous); not null
     * @return a codec for {@code McpServer.builder().requestStateCodec(...)}
     */
    public ClusterRequestStateCodec requestStateCodec(Function<McpTransportContext, String> principal) {
        ClusterRequestStateCodec.Builder codec = ClusterRequestStateCodec.builder().keys(config.requestStateKeys())
                .ttl(config.requestStateTtl()).clock(config.clock()).principal(principal);
        try {
            codec.ledger(storage.requestStates());
        } catch (UnsupportedOperationException e) {
            // a backend of one's own without a ledger: single-use state is refused
        }
        return codec.build();
    }

    /**
     * @return true when the MCP Java SDK on the class path serves protocol 2026-07-28 (its modern server, from SDK
     *         2.2.0); on an older SDK (2.0.x, also supported) only the session era can be mounted
     */
    public static boolean sessionlessEraSupported() {
        try {
            Class.forName("io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport", false,
                    McpStateJetty.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * A builder of the SDK's servlet for the era without sessions, set up to sit behind the filter: endpoint
     * {@code path}, and no header checks of its own ({@code Host} and {@code Origin} are checked by the filter's
     * security edge, with {@link InterceptorConfig#allowedHosts()} and {@link InterceptorConfig#allowedOrigins()}).
     * Add a context extractor when the tools need the caller.
     *
     * @param server the modern server; not null
     * @param path   the MCP endpoint path, e.g. {@code /mcp}; not null
     * @return the builder
     */
    public static HttpServletMcpTransport.Builder sessionlessTransport(
            io.modelcontextprotocol.modern.server.McpServer server, String path) {
        return HttpServletMcpTransport.builder(Objects.requireNonNull(server, "server must not be null"))
                .endpoint(Objects.requireNonNull(path, "path must not be null"))
                .httpHeaderValidator(ServerHttpHeaderValidator.NOOP);
    }

    /**
     * Mounts one endpoint for both protocol eras at {@code path}: the SDK servlet of the session era with the session
     * filter in front, which hands requests of the era without sessions ({@code MCP-Protocol-Version} 2026-07-28 or
     * later, or that version in {@code _meta}) to {@code sessionless} after the same security edge, authentication,
     * rate limiting and body checks ({@link McpStateFilter#McpStateFilter(Storage,
     * HttpServletStreamableServerTransportProvider, jakarta.servlet.Servlet, InterceptorConfig)}). When
     * {@link #changeFeed()} was asked for, the filter carries its changes between the nodes. Call after both servers
     * are built.
     *
     * @param context     the Jetty servlet context; not null
     * @param path        the MCP endpoint path within the context, e.g. {@code /mcp}; not null
     * @param transport   the SDK servlet of the session era; not null
     * @param sessionless the SDK servlet of the era without sessions ({@link #sessionlessTransport}); not null
     * @return the mounted filter
     * @throws IllegalStateException when the SDK's internals are not the ones mcp-state supports
     */
    public synchronized McpStateFilter mount(ServletContextHandler context, String path,
            HttpServletStreamableServerTransportProvider transport, HttpServletMcpTransport sessionless) {
        Objects.requireNonNull(sessionless, "sessionless must not be null");
        McpStateFilter filter = mount(context, path, transport, new McpStateFilter(storage, transport, sessionless,
                config));
        if (changeFeed != null) {
            filter.broadcastChangesThrough(changeFeed);
        }
        return filter;
    }

    /**
     * Mounts the SDK servlet and the session filter in front of it at {@code path}, both async-supported.
     * Call after {@code McpServer.sync(transport)...build()}.
     *
     * @param context   the Jetty servlet context; not null
     * @param path      the MCP endpoint path within the context, e.g. {@code /mcp}; not null
     * @param transport the SDK servlet; not null
     * @return the mounted filter
     * @throws IllegalStateException when the SDK's internals are not the ones mcp-state supports
     */
    public synchronized McpStateFilter mount(ServletContextHandler context, String path,
            HttpServletStreamableServerTransportProvider transport) {
        Objects.requireNonNull(transport, "transport must not be null");
        return mount(context, path, transport, new McpStateFilter(storage, transport, config));
    }

    private McpStateFilter mount(ServletContextHandler context, String path,
            HttpServletStreamableServerTransportProvider transport, McpStateFilter filter) {
        Objects.requireNonNull(context, "context must not be null");
        Objects.requireNonNull(path, "path must not be null");
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, path);
        ClusterTransportProvider decorator = clusterWide.get(transport);
        if (decorator != null) {
            filter.broadcastThrough(decorator);
        }
        FilterHolder holder = new FilterHolder(filter);
        holder.setAsyncSupported(true);
        context.addFilter(holder, path, EnumSet.of(DispatcherType.REQUEST));
        if (config.authenticator() != null) {
            config.authenticator().resourceMetadata().ifPresent(metadata -> {
                ServletHolder document = new ServletHolder(new ProtectedResourceMetadataServlet(metadata));
                context.addServlet(document, ProtectedResourceMetadata.WELL_KNOWN);
                context.addServlet(document, metadata.metadataUrl().getRawPath());
            });
        }
        filters.add(filter);
        return filter;
    }

    /**
     * Applies mcp-state's HTTP edge to a Jetty server, once its connectors and handler are set and before it starts:
     * <ul>
     *   <li>no {@code Server} or {@code X-Powered-By} header;</li>
     *   <li>JSON-RPC error bodies for the errors Jetty answers itself (431, 400, 404, a servlet's
     *       {@code sendError}), never an HTML page or a stack trace;</li>
     *   <li>POST bodies read in full before the servlet runs, without holding a thread while bytes are missing:
     *       a body not complete within the body deadline gets {@code 408} and its connection closed, so slow
     *       clients cannot take the server's threads;</li>
     *   <li>when configured, at most {@code maxConnections} open connections (Jetty's
     *       {@link NetworkConnectionLimit}; further clients wait in the accept queue).</li>
     * </ul>
     *
     * @param server the server; its handler must be set; not null
     * @throws IllegalStateException when the server has no handler or is already started
     */
    public void harden(Server server) {
        Objects.requireNonNull(server, "server must not be null");
        if (server.getHandler() == null || server.isStarted()) {
            throw new IllegalStateException("harden a server after setHandler and before start");
        }
        for (Connector connector : server.getConnectors()) {
            for (ConnectionFactory factory : connector.getConnectionFactories()) {
                if (factory instanceof HttpConnectionFactory http) {
                    http.getHttpConfiguration().setSendServerVersion(false);
                    http.getHttpConfiguration().setSendXPoweredBy(false);
                }
            }
        }
        server.setErrorHandler(new JsonErrorHandler());
        for (ServletContextHandler context : server.getDescendants(ServletContextHandler.class)) {
            context.setErrorHandler(new JsonServletErrorHandler());
        }
        server.setHandler(new BodyFirstHandler(server.getHandler(), config.maxBodyBytes(), bodyDeadline));
        if (maxConnections > 0) {
            server.addBean(new NetworkConnectionLimit(maxConnections, server));
        }
    }

    /** @return the filters mounted so far, in mount order; a snapshot */
    public synchronized List<McpStateFilter> filters() {
        return List.copyOf(filters);
    }

    /** Stops the filters' threads and closes the storage. Idempotent. */
    @Override
    public synchronized void close() {
        filters.forEach(McpStateFilter::close);
        filters.clear();
        storage.close();
    }

    /** Builds {@link McpStateJetty}; not thread-safe. */
    public static final class Builder {
        private StorageConfig storage = StorageConfig.sqlite(StorageConfig.DEFAULT_SQLITE_PATH);
        private InterceptorConfig config = InterceptorConfig.builder().build();
        private Duration bodyDeadline = DEFAULT_BODY_DEADLINE;
        private int maxConnections;

        private Builder() {
        }

        /**
         * @param deadline how long a POST body may take to arrive once its head did ({@link #harden}); positive;
         *                 default {@link #DEFAULT_BODY_DEADLINE}
         */
        public Builder bodyDeadline(Duration deadline) {
            Objects.requireNonNull(deadline, "bodyDeadline must not be null");
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("bodyDeadline must be positive, was: " + deadline);
            }
            this.bodyDeadline = deadline;
            return this;
        }

        /** @param max most open connections of a hardened server ({@link #harden}); 0 (default) for no limit */
        public Builder maxConnections(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxConnections must not be negative, was: " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /** @param storage where sessions and events are kept; not null */
        public Builder storage(StorageConfig storage) {
            this.storage = Objects.requireNonNull(storage, "storage must not be null");
            return this;
        }

        /** @param config filter settings; not null */
        public Builder config(InterceptorConfig config) {
            this.config = Objects.requireNonNull(config, "config must not be null");
            return this;
        }

        /** @param nodeId this node's id; see {@link InterceptorConfig.Builder#nodeId(String)} */
        public Builder nodeId(String nodeId) {
            this.config = config.toBuilder().nodeId(nodeId).build();
            return this;
        }

        /**
         * Opens the storage.
         *
         * @throws dev.mcpstate.store.StoreException when it cannot be opened
         */
        public McpStateJetty build() {
            Clock clock = config.clock();
            return new McpStateJetty(Storage.open(storage, clock), config, bodyDeadline, maxConnections);
        }
    }
}
