package dev.mcpstate.jetty;

import dev.mcpstate.interceptor.ClusterTransportProvider;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.interceptor.auth.ProtectedResourceMetadata;
import dev.mcpstate.interceptor.auth.ProtectedResourceMetadataServlet;
import dev.mcpstate.interceptor.ops.HealthServlet;
import dev.mcpstate.interceptor.ops.PrometheusServlet;
import dev.mcpstate.jetty.internal.BodyFirstHandler;
import dev.mcpstate.jetty.internal.PerAddressConnectionLimit;
import dev.mcpstate.jetty.internal.JsonErrorHandler;
import dev.mcpstate.jetty.internal.JsonServletErrorHandler;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.internal.Checks;
import dev.mcpstate.store.StorageConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.jetty12.server.TimedHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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

    /** How long a POST body may take to arrive unless configured: {@link InterceptorConfig#DEFAULT_BODY_DEADLINE}. */
    public static final Duration DEFAULT_BODY_DEADLINE = InterceptorConfig.DEFAULT_BODY_DEADLINE;
    /** Where {@link #mountOperations} serves liveness ({@code /health/live}) and readiness ({@code /health/ready}). */
    public static final String HEALTH_PATH = "/health/*";
    /** Where {@link #mountOperations} serves the Prometheus scrape. */
    public static final String METRICS_PATH = "/metrics";

    private final Storage storage;
    private final InterceptorConfig config;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final long minRequestDataRate;
    private final List<McpStateFilter> filters = new ArrayList<>();
    private final Map<HttpServletStreamableServerTransportProvider, ClusterTransportProvider> clusterWide =
            new IdentityHashMap<>();
    /** The binders {@link #instrument} started that hold resources (listeners, threads) until closed. */
    private final List<AutoCloseable> binders = new ArrayList<>();
    /** Created on first use: the change feed of every modern server this wiring mounts. */
    /**
     * Created on first use, never before: it implements an SDK 2.2 type that SDK 2.0.x lacks, so a wiring on the
     * previous SDK must not load it.
     */
    private ClusterChangeFeed changeFeed;

    private McpStateJetty(Storage storage, InterceptorConfig config, Builder limits) {
        this.storage = storage;
        this.config = config;
        this.maxConnections = limits.maxConnections;
        this.maxConnectionsPerAddress = limits.maxConnectionsPerAddress;
        this.minRequestDataRate = limits.minRequestDataRate;
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
     *   <li>when configured, a minimum request data rate ({@link Builder#minRequestDataRate}: Jetty's
     *       {@code HttpConfiguration.setMinRequestDataRate}): a body arriving slower than that gets {@code 408}
     *       before the deadline;</li>
     *   <li>when configured, at most {@code maxConnections} open connections (Jetty's
     *       {@link NetworkConnectionLimit}; further clients wait in the accept queue);</li>
     *   <li>when configured, at most {@code maxConnectionsPerAddress} open connections of one client IP address
     *       (one more is closed at once, with no response; Jetty has no such limit of its own).</li>
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
        PerAddressConnectionLimit perAddress = maxConnectionsPerAddress > 0
                ? new PerAddressConnectionLimit(maxConnectionsPerAddress) : null;
        for (Connector connector : server.getConnectors()) {
            for (ConnectionFactory factory : connector.getConnectionFactories()) {
                if (factory instanceof HttpConnectionFactory http) {
                    http.getHttpConfiguration().setSendServerVersion(false);
                    http.getHttpConfiguration().setSendXPoweredBy(false);
                    if (minRequestDataRate > 0) {
                        http.getHttpConfiguration().setMinRequestDataRate(minRequestDataRate);
                    }
                }
            }
            if (perAddress != null) {
                connector.addBean(perAddress); // one count for the whole server, over all its connectors
            }
        }
        server.setErrorHandler(new JsonErrorHandler());
        for (ServletContextHandler context : server.getDescendants(ServletContextHandler.class)) {
            context.setErrorHandler(new JsonServletErrorHandler());
        }
        server.setHandler(new BodyFirstHandler(server.getHandler(), config.maxBodyBytes(), config.bodyDeadline()));
        if (maxConnections > 0) {
            server.addBean(new NetworkConnectionLimit(maxConnections, server));
        }
    }

    /**
     * Serves the operations endpoints in {@code context}, outside the session filter (no MCP session, no bearer
     * token), for load balancers, orchestrators and Prometheus:
     * <ul>
     *   <li>{@code GET /health/live}: {@code 200} while the process serves HTTP;</li>
     *   <li>{@code GET /health/ready}: {@code 200} when the store answers ({@link Storage#check()}: Redis {@code PING},
     *       the SQLite file and a query) and every filter mounted by this object is started, else {@code 503} with
     *       {@code {"status":"DOWN","checks":{"store":"DOWN","filter":"UP"}}}; checked at most once a second
     *       ({@link HealthServlet});</li>
     *   <li>{@code GET /metrics}, when {@code prometheus} is given: its scrape ({@link PrometheusServlet}).</li>
     * </ul>
     * Bodies name checks, never causes. Whoever reaches the port learns that the server runs, whether its store is
     * reachable, and the meters (counts and durations, method and tool names): where that matters, keep these paths
     * from the public side of the proxy. Call before the server starts; the health check sees filters mounted later
     * too.
     *
     * @param context    the servlet context, e.g. the MCP endpoint's; not null
     * @param prometheus the registry to serve at {@code /metrics} — usually the one in
     *                   {@link InterceptorConfig#meterRegistry()}; null for the health endpoints only
     */
    public void mountOperations(ServletContextHandler context, PrometheusMeterRegistry prometheus) {
        Objects.requireNonNull(context, "context must not be null");
        HealthServlet health = HealthServlet.builder()
                .check("store", storage::check)
                .check("filter", () -> {
                    if (!filters().stream().allMatch(McpStateFilter::isStarted)) {
                        throw new IllegalStateException("an mcp-state filter is not started");
                    }
                })
                .build();
        context.addServlet(new ServletHolder(health), HEALTH_PATH);
        if (prometheus != null) {
            context.addServlet(new ServletHolder(new PrometheusServlet(prometheus)), METRICS_PATH);
        }
    }

    /**
     * Binds the standard meters of a Jetty server and of the JVM to {@link InterceptorConfig#meterRegistry()}, next
     * to the filter's own: Jetty's thread pool ({@code jetty.threads.*}), connections ({@code jetty.connections.*},
     * bytes in and out), HTTP requests ({@code jetty.server.requests} by method, status and outcome: Micrometer's
     * {@code TimedHandler} for Jetty 12, wrapped around the server's handler), and the JVM's memory, garbage
     * collection, threads, classes, processor, file descriptors and uptime. Does nothing without a registry. Call once,
     * after the server's connectors and handler are set and before it starts (before or after {@link #harden});
     * {@link #close()} releases the binders.
     *
     * @param server the server; its handler must be set; not null
     * @throws IllegalStateException when the server has no handler or is already started
     */
    public synchronized void instrument(Server server) {
        Objects.requireNonNull(server, "server must not be null");
        if (server.getHandler() == null || server.isStarted()) {
            throw new IllegalStateException("instrument a server after setHandler and before start");
        }
        MeterRegistry registry = config.meterRegistry();
        if (registry == null) {
            return;
        }
        JettyServerThreadPoolMetrics threads = new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty());
        threads.bindTo(registry);
        binders.add(threads);
        JettyConnectionMetrics.addToAllConnectors(server, registry);
        TimedHandler timed = new TimedHandler(registry, Tags.empty());
        timed.setHandler(server.getHandler());
        server.setHandler(timed);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** @return the filters mounted so far, in mount order; a snapshot */
    public synchronized List<McpStateFilter> filters() {
        return List.copyOf(filters);
    }

    /** Stops the filters' threads, releases the meter binders and closes the storage. Idempotent. */
    @Override
    public synchronized void close() {
        filters.forEach(McpStateFilter::close);
        filters.clear();
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // a binder that cannot stop holds nothing worth failing the shutdown for
            }
        }
        binders.clear();
        storage.close();
    }

    /** Builds {@link McpStateJetty}; not thread-safe. */
    public static final class Builder {
        private StorageConfig storage = StorageConfig.sqlite(StorageConfig.DEFAULT_SQLITE_PATH);
        private InterceptorConfig config = InterceptorConfig.builder().build();
        /** Set by {@link #bodyDeadline}, applied to the config on {@link #build}; null keeps the config's. */
        private Duration bodyDeadline;
        private int maxConnections;
        private int maxConnectionsPerAddress;
        private long minRequestDataRate;

        private Builder() {
        }

        /**
         * @param deadline how long a POST body may take to arrive ({@link #harden}, and the filter's own check,
         *                 {@link InterceptorConfig#bodyDeadline()}, which it sets); positive; default the config's,
         *                 {@link #DEFAULT_BODY_DEADLINE} unless set there
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
            this.maxConnections = Checks.notNegative(max, "maxConnections");
            return this;
        }

        /**
         * @param max most open connections of one client IP address on a hardened server ({@link #harden}); one more
         *            is closed at once. 0 (default) for no limit. Behind a proxy every client shares its address:
         *            set it on nodes only where clients connect directly
         */
        public Builder maxConnectionsPerAddress(int max) {
            this.maxConnectionsPerAddress = Checks.notNegative(max, "maxConnectionsPerAddress");
            return this;
        }

        /**
         * @param bytesPerSecond least rate at which a request body must arrive on a hardened server ({@link #harden}),
         *                       measured by Jetty from the request's start at each read; slower gets {@code 408}.
         *                       0 (default) for none: the body deadline alone applies
         */
        public Builder minRequestDataRate(long bytesPerSecond) {
            this.minRequestDataRate = Checks.notNegative(bytesPerSecond, "minRequestDataRate");
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
            InterceptorConfig settings = bodyDeadline == null ? config
                    : config.toBuilder().bodyDeadline(bodyDeadline).build();
            Clock clock = settings.clock();
            return new McpStateJetty(Storage.open(storage, clock), settings, this);
        }
    }
}
