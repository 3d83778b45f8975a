package dev.mcpstate.interceptor;

import dev.mcpstate.interceptor.internal.Node;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.interceptor.internal.observe.RequestIds;
import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.resume.StreamIds;
import dev.mcpstate.interceptor.internal.sdk.SdkSessions;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StoreException;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The mcp-state session filter: put it in front of the MCP Java SDK's
 * {@link HttpServletStreamableServerTransportProvider} (with {@code asyncSupported=true}) and the server's sessions
 * survive restarts, cut SSE streams resume with {@code Last-Event-ID}, and any node sharing the store serves any
 * session (MCP spec 2025-11-25, "Streamable HTTP": session management, resumability and redelivery).
 *
 * <p>Every request runs through a chain of small links, each with one job, in the order
 * {@link #linkNames()} lists (security edge, authentication, rate limiting when configured, request body, protocol gate, session guard, admission,
 * response routing, stream resumption, capture, lifecycle; {@code docs/ARCHITECTURE.md} explains each). The
 * security edge ({@code Host}/{@code Origin}), authentication, the body limit and error sanitising apply to every
 * request of every protocol era; requests of the sessionless era skip only persistence. A storage fault anywhere answers
 * {@code 503} with {@code Retry-After} and a JSON-RPC error body; any other fault {@code 500} with a plain message,
 * never a stack trace. Every response carries {@code Mcp-State-Node} and {@code X-Request-Id} (the client's, when it
 * is 1 to 128 of {@code A-Za-z0-9._:-}, else a generated one); while the filter runs on a request's thread, the
 * logging context ({@link MDC}) holds {@code request_id} and, once known, {@code mcp_session_id}. With
 * {@link InterceptorConfig#meterRegistry()} set the filter records its meters
 * ({@link dev.mcpstate.interceptor.ops.McpStateMetrics}).
 *
 * <p>Lifecycle: construct it after {@code McpServer.sync(transport)...build()}; the container's {@link #init}
 * opens the cluster bus and starts the filter's threads, {@link #destroy()} (or {@link #close()}) stops them. A
 * request that arrives before {@code init} or after {@code destroy} gets {@code 503}. The filter never closes the
 * {@link Storage}.
 *
 * <p>Thread-safe.
 */
public final class McpStateFilter implements Filter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpStateFilter.class);

    private final InterceptorConfig config;
    private final Storage storage;
    private final HttpServletStreamableServerTransportProvider sdk;
    private final McpJsonMapper jsonMapper;
    private final SdkSessions sdkSessions;
    private final StreamHub hub;
    private final String owner;
    private final FilterMetrics metrics;
    /** The servlet of the era without sessions, or null. */
    private final Servlet sessionless;
    private volatile ClusterBusListener changeFeed;
    private volatile Node node;

    /**
     * @param storage the storage shared by every node; not null
     * @param sdk     the SDK servlet this filter guards, already passed to {@code McpServer.sync(...)...build()};
     *                not null
     * @param config  filter settings; not null
     * @throws IllegalStateException when the SDK's internals are not the ones mcp-state supports (the message names
     *                               the SDK class and field)
     * @throws UnsupportedOperationException when {@code config} rate-limits and the storage backend keeps no token
     *                                       buckets ({@link dev.mcpstate.store.StorageBackend#rateLimits()})
     */
    public McpStateFilter(Storage storage, HttpServletStreamableServerTransportProvider sdk,
            InterceptorConfig config) {
        this(storage, sdk, null, config);
    }

    /**
     * A filter for one endpoint serving both protocol eras (spec 2026-07-28, "Versioning": dual-era servers): clients
     * that initialize (2025-11-25 and earlier) go through the session chain to {@code sdk}; requests of the era
     * without sessions ({@code MCP-Protocol-Version} 2026-07-28 or later, or that version in the body's
     * {@code _meta}) go, after the same security edge, authentication, rate limiting and body checks, to
     * {@code sessionless} — the SDK's {@code io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport}
     * — with their error bodies sanitized. The filter initializes and destroys {@code sessionless} with itself;
     * do not register it with the container.
     *
     * @param storage     the storage shared by every node; not null
     * @param sdk         the SDK servlet of the session era, already passed to {@code McpServer.sync(...)...build()};
     *                    not null
     * @param sessionless the servlet of the era without sessions; null to pass those requests to {@code sdk}
     * @param config      filter settings; not null
     * @throws IllegalStateException when the SDK's internals are not the ones mcp-state supports
     * @throws UnsupportedOperationException when {@code config} rate-limits and the storage backend keeps no token
     *                                       buckets
     */
    public McpStateFilter(Storage storage, HttpServletStreamableServerTransportProvider sdk, Servlet sessionless,
            InterceptorConfig config) {
        this.sessionless = sessionless;
        Objects.requireNonNull(storage, "storage must not be null");
        this.sdk = Objects.requireNonNull(sdk, "sdk must not be null");
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.metrics = FilterMetrics.of(config.meterRegistry());
        this.storage = metrics.instrument(storage); // with meters: the same stores, every call timed
        if (config.rateLimitPerSecond() > 0) {
            storage.rateLimits(); // fails at once when the backend keeps no token buckets
        }
        this.jsonMapper = McpJsonDefaults.getMapper();
        this.sdkSessions = new SdkSessions(sdk, jsonMapper);
        this.hub = new StreamHub(this.storage.events(), metrics);
        this.owner = config.nodeId() + "#" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Opens the cluster bus and starts the stream followers, the frame writers and retention. Called by the
     * servlet container; idempotent.
     *
     * @throws StoreException when the cluster bus cannot subscribe
     * @throws IllegalStateException when the servlet of the era without sessions fails to start
     */
    @Override
    public synchronized void init(FilterConfig filterConfig) {
        if (node == null) {
            if (sessionless != null) {
                try {
                    sessionless.init(servletConfig(filterConfig));
                } catch (ServletException e) {
                    throw new IllegalStateException("the servlet of the era without sessions failed to start", e);
                }
            }
            node = Node.start(storage, sdkSessions, hub, jsonMapper, config, owner, sessionless, metrics);
            node.bus().onResponse(this::deliverResponse);
            ClusterBusListener feed = changeFeed;
            if (feed != null) {
                feed.attach(node.bus());
            }
            log.info("mcp-state filter started: node={} owner={} storage={}", config.nodeId(), owner, storage);
        }
    }

    /** Hands a client's response, routed here from another node, to the SDK session that awaits it. */
    private void deliverResponse(String sessionId, String response) {
        McpStreamableServerSession session = sdkSessions.get(sessionId);
        if (session == null) {
            log.warn("routed response for a session this node does not hold: session={}", sessionId);
            return;
        }
        try {
            McpSchema.JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(jsonMapper, response);
            if (message instanceof McpSchema.JSONRPCResponse rpcResponse) {
                session.accept(rpcResponse).subscribe(null, e -> log.warn(
                        "routed response not accepted: session={} cause={}", sessionId, e.toString()));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("routed response unreadable: session={} cause={}", sessionId, e.toString());
        }
    }

    /**
     * Makes the decorator's {@code notifyClients}/{@code notifyClient} deliver through the store to every live
     * session's listening stream, whichever node holds it.
     *
     * @param provider the decorator handed to {@code McpServer.sync(...)}; it must decorate this filter's SDK servlet
     * @throws IllegalArgumentException when it decorates another servlet
     */
    public void broadcastThrough(ClusterTransportProvider provider) {
        if (provider.sdk() != sdk) {
            throw new IllegalArgumentException("provider decorates another SDK servlet than this filter guards");
        }
        provider.broadcaster(new ClusterTransportProvider.Broadcaster() {
            @Override
            public void toAll(String method, Object params) {
                String json = notification(method, params);
                // the appends are pipelined (SQLite commits them in batches): wait once, for all of them
                List<CompletableFuture<?>> appends = new ArrayList<>();
                for (String sessionId : storage.sessions().list()) {
                    appends.add(deliver(sessionId, json));
                }
                appends.forEach(CompletableFuture::join);
            }

            @Override
            public void toOne(String sessionId, String method, Object params) {
                deliver(sessionId, notification(method, params)).join();
            }
        });
    }

    private String notification(String method, Object params) {
        try {
            return jsonMapper.writeValueAsString(new McpSchema.JSONRPCNotification(method, params));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize the params of " + method, e);
        }
    }

    /** Appends a notification to a live session's listening stream without waiting; @return when it is done */
    private CompletableFuture<?> deliver(String sessionId, String notification) {
        try {
            return storage.sessions().find(sessionId)
                    .filter(s -> !s.status().isTerminal())
                    .filter(s -> !s.isExpiredAt(config.clock().instant(), storage.config().sessionIdleTtl()))
                    .map(s -> hub.appendAsync(sessionId, StreamIds.LISTENING, Direction.SERVER_TO_CLIENT,
                            notification, false))
                    .<CompletableFuture<?>>map(f -> f.exceptionally(e -> {
                        log.warn("notification not stored: session={} cause={}", sessionId, e.toString());
                        return null;
                    }))
                    .orElse(CompletableFuture.completedFuture(null));
        } catch (StoreException e) {
            log.warn("notification not stored: session={} cause={}", sessionId, e.toString());
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Carries the {@code subscriptions/listen} changes of the era without sessions between the nodes sharing the
     * store, over this filter's cluster bus, while the filter runs. Call before the container starts the filter.
     *
     * @param feed the feed the modern server was built with ({@code McpServer.builder().subscriptions(feed)}): a
     *             {@link ClusterChangeFeed}; not null
     */
    public synchronized void broadcastChangesThrough(ClusterBusListener feed) {
        this.changeFeed = Objects.requireNonNull(feed, "feed must not be null");
        Node running = node;
        if (running != null) {
            feed.attach(running.bus());
        }
    }

    private static ServletConfig servletConfig(FilterConfig filterConfig) {
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return "mcp-state-sessionless";
            }

            @Override
            public ServletContext getServletContext() {
                return filterConfig == null ? null : filterConfig.getServletContext();
            }

            @Override
            public String getInitParameter(String name) {
                return null;
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.emptyEnumeration();
            }
        };
    }

    /** @return the ids of the sessions this node's SDK holds now; a snapshot */
    public Set<String> localSessionIds() {
        return sdkSessions.ids();
    }

    /** @return how many stored sessions this node admitted into its SDK since it started; 0 before {@link #init} */
    public long admissions() {
        Node running = node;
        return running == null ? 0 : running.admission().admittedCount();
    }

    /** @return true between {@link #init} and {@link #destroy()}: requests are served (else they get 503) */
    public boolean isStarted() {
        return node != null;
    }

    /** @return this node instance's owner tag, {@code <nodeId>#<instance>} */
    public String owner() {
        return owner;
    }

    /**
     * @return the simple class names of the chain's links, in the order every request passes them; empty before
     *         {@link #init}
     */
    public List<String> linkNames() {
        Node running = node;
        return running == null ? List.of()
                : running.chain().links().stream().map(link -> link.getClass().getSimpleName()).toList();
    }

    /** @return the settings */
    public InterceptorConfig config() {
        return config;
    }

    /**
     * Runs retention once now (purge expired sessions, remove old closed streams, trim old events, evict stale SDK
     * sessions), whichever node's turn it is: the periodic runs every {@link InterceptorConfig#sweepInterval()} purge
     * and trim only on this node's turn, one node of those sharing the store at a time.
     *
     * @throws IllegalStateException before {@link #init} or after {@link #destroy()}
     */
    public void runRetention() {
        Node running = node;
        if (running == null) {
            throw new IllegalStateException("the mcp-state filter is not started: call init first");
        }
        running.retention().runNow();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain next)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            next.doFilter(req, res);
            return;
        }
        String requestId = RequestIds.acceptOrGenerate(request.getHeader(Headers.REQUEST_ID));
        response.setHeader(Headers.MCP_STATE_NODE, config.nodeId());
        response.setHeader(Headers.REQUEST_ID, requestId);
        Exchange exchange = new Exchange(request, response);
        exchange.arrived(requestId, metrics.now(), config.clock().millis());
        MDC.put(RequestIds.MDC_REQUEST_ID, requestId);
        RequestIds.sessionInLogs(exchange.sessionIdHeader());
        try {
            serve(request, response, exchange, next);
        } finally {
            metrics.finished(request, exchange);
            MDC.remove(RequestIds.MDC_REQUEST_ID);
            MDC.remove(RequestIds.MDC_SESSION_ID);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, Exchange exchange, FilterChain next)
            throws IOException, ServletException {
        Node running = node;
        if (running == null) {
            exchange.unavailable(Exchange.Unavailable.NOT_STARTED);
            fail(response, exchange, 503, ErrorCodes.STORAGE_UNAVAILABLE, "The server is not started; retry in "
                    + config.retryAfterSeconds() + " s");
            return;
        }
        try {
            running.chain().run(exchange, next);
        } catch (StoreException e) {
            log.error("storage fault: method={} session={} cause={}", request.getMethod(),
                    exchange.sessionIdHeader(), e.toString());
            exchange.unavailable(Exchange.Unavailable.STORE);
            fail(response, exchange, 503, ErrorCodes.STORAGE_UNAVAILABLE,
                    "Session storage is unavailable; retry in " + config.retryAfterSeconds() + " s");
        } catch (RuntimeException e) {
            log.error("unexpected failure: method={} session={}", request.getMethod(), exchange.sessionIdHeader(),
                    e);
            fail(response, exchange, 500, ErrorCodes.INTERNAL_ERROR, JsonRpcErrors.messageFor(500));
        }
    }

    private void fail(HttpServletResponse response, Exchange exchange, int status, int code, String message)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setHeader(Headers.MCP_STATE_NODE, config.nodeId());
        response.setHeader(Headers.REQUEST_ID, exchange.requestId());
        if (status == 503) {
            response.setHeader(Headers.RETRY_AFTER, Integer.toString(config.retryAfterSeconds()));
        }
        JsonRpcErrors.send(response, status, exchange.messageId(), code, message);
    }

    /** Stops the filter's threads; called by the servlet container. Idempotent. */
    @Override
    public void destroy() {
        close();
    }

    /** Stops the stream followers, the frame writers, retention and the cluster bus. Idempotent. */
    @Override
    public synchronized void close() {
        Node running = node;
        node = null;
        if (running != null) {
            ClusterBusListener feed = changeFeed;
            if (feed != null) {
                feed.detach(running.bus());
            }
            if (sessionless != null) {
                sessionless.destroy(); // the SDK's modern transport ends its listen streams
            }
            running.close();
            log.info("mcp-state filter stopped: node={} owner={}", config.nodeId(), owner);
        }
    }
}
