package dev.mcpstate.interceptor;

import dev.mcpstate.cluster.ClusterBus;
import dev.mcpstate.interceptor.chain.Exchange;
import dev.mcpstate.interceptor.chain.Headers;
import dev.mcpstate.interceptor.chain.Interceptor;
import dev.mcpstate.interceptor.chain.InterceptorChain;
import dev.mcpstate.interceptor.http.ErrorCodes;
import dev.mcpstate.interceptor.http.JsonRpcErrors;
import dev.mcpstate.interceptor.link.Admission;
import dev.mcpstate.interceptor.link.Capture;
import dev.mcpstate.interceptor.link.Lifecycle;
import dev.mcpstate.interceptor.link.ProtocolGate;
import dev.mcpstate.interceptor.link.RequestBody;
import dev.mcpstate.interceptor.link.ResponseRouting;
import dev.mcpstate.interceptor.link.SessionGuard;
import dev.mcpstate.interceptor.link.StreamResumption;
import dev.mcpstate.interceptor.resume.StreamFollower;
import dev.mcpstate.interceptor.resume.StreamHub;
import dev.mcpstate.interceptor.resume.StreamIds;
import dev.mcpstate.interceptor.sdk.ClusterTransportProvider;
import dev.mcpstate.interceptor.sdk.ListeningStreamTransport;
import dev.mcpstate.interceptor.sdk.SdkSessions;
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
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The mcp-state session filter: put it in front of the MCP Java SDK's
 * {@link HttpServletStreamableServerTransportProvider} (with {@code asyncSupported=true}) and the server's sessions
 * survive restarts, cut SSE streams resume with {@code Last-Event-ID}, and any node sharing the store serves any
 * session.
 *
 * <p>Every request runs through a chain of links, in this order:
 * <ol>
 *   <li>{@link ProtocolGate} — protocol era (sessionless eras pass untouched), {@code Origin}, principal;</li>
 *   <li>{@link RequestBody} — size limit (413), JSON (-32700), JSON-RPC shape;</li>
 *   <li>{@link SessionGuard} — unknown, closed, expired or foreign sessions get 404;</li>
 *   <li>{@link Admission} — a stored session unknown to this node's SDK is admitted under its id;</li>
 *   <li>{@link ResponseRouting} — a client's answer to a server-to-client request goes to the issuing node;</li>
 *   <li>{@link StreamResumption} — every GET is answered from the store (replay, then live);</li>
 *   <li>{@link Capture} — every message is persisted before the client sees it; the filter owns event ids;</li>
 *   <li>{@link Lifecycle} — INITIALIZED, ACTIVE, CLOSED from what the SDK answered.</li>
 * </ol>
 * A storage fault anywhere answers {@code 503} with {@code Retry-After} and a JSON-RPC error body. Every response
 * carries {@code Mcp-State-Node}.
 *
 * <p>Thread-safe. Construct it after {@code McpServer.sync(transport)...build()}. {@link #close()} (also called by
 * {@link #destroy()}) stops its background threads; it does not close the {@link Storage}.
 */
public final class McpStateFilter implements Filter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpStateFilter.class);

    private final InterceptorConfig config;
    private final InterceptorChain chain;
    private final StreamResumption resumption;
    private final Retention retention;
    private final ExecutorService followers;
    private final ExecutorService writers;
    private final ScheduledExecutorService sweeper;
    private final SdkSessions sdkSessions;
    private final Storage storage;
    private final HttpServletStreamableServerTransportProvider sdk;
    private final McpJsonMapper jsonMapper;
    private final StreamHub hub;
    private final ClusterBus bus;
    private final Admission admission;

    /**
     * @param storage the session and event stores; not null
     * @param sdk     the SDK servlet this filter guards, already passed to {@code McpServer.sync(...)...build()};
     *                not null
     * @param config  filter settings; not null
     * @throws IllegalStateException when the SDK's internals are not the ones mcp-state supports
     */
    public McpStateFilter(Storage storage, HttpServletStreamableServerTransportProvider sdk,
            InterceptorConfig config) {
        Objects.requireNonNull(storage, "storage must not be null");
        Objects.requireNonNull(sdk, "sdk must not be null");
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.storage = storage;
        this.sdk = sdk;
        this.jsonMapper = McpJsonDefaults.getMapper();
        this.sdkSessions = new SdkSessions(sdk, jsonMapper);
        this.hub = new StreamHub(storage.events());
        String owner = config.nodeId() + "#" + UUID.randomUUID().toString().substring(0, 8);
        this.bus = ClusterBus.open(storage, owner, config.heartbeatInterval(), config.nodeDeadAfter());
        Function<String, ListeningStreamTransport> listening =
                id -> new ListeningStreamTransport(id, hub, jsonMapper, owner);
        this.followers = Executors.newCachedThreadPool(daemon("mcp-state-stream-"));
        this.writers = Executors.newCachedThreadPool(daemon("mcp-state-writer-"));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("mcp-state-retention-"));
        this.resumption = new StreamResumption(hub, followers,
                new StreamFollower.Settings(config.clock(), config.pollInterval(), config.keepAlive(),
                        config.responseStreamTimeout()),
                stream -> !bus.isAlive(stream.ownerNode()), config.maxOpenStreams(), config.retryAfterSeconds());
        this.admission = new Admission(sdkSessions, listening);
        this.chain = new InterceptorChain(List.of(
                new ProtocolGate(config.allowedOrigins()),
                new RequestBody(config.maxBodyBytes()),
                new SessionGuard(storage.sessions(), config.clock(), storage.config().sessionIdleTtl(),
                        config.touchInterval()),
                admission,
                new ResponseRouting(bus, hub),
                resumption,
                new Capture(hub, owner, writers),
                new Lifecycle(storage.sessions(), hub, sdkSessions, listening, config.clock(), config.nodeId(),
                        bus)));
        bus.onResponse(this::deliverResponse);
        bus.onSessionEnded(sessionId -> {
            sdkSessions.evict(sessionId);
            hub.wake(sessionId, StreamIds.LISTENING);
        });
        this.retention = new Retention(storage.sessions(), hub, sdkSessions, storage.config(), config.clock(), bus);
        long sweepMillis = config.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(retention, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
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
                for (String sessionId : storage.sessions().list()) {
                    deliver(sessionId, json);
                }
            }

            @Override
            public void toOne(String sessionId, String method, Object params) {
                deliver(sessionId, notification(method, params));
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

    private void deliver(String sessionId, String notification) {
        try {
            storage.sessions().find(sessionId)
                    .filter(s -> !s.status().isTerminal())
                    .filter(s -> !s.isExpiredAt(config.clock().instant(), storage.config().sessionIdleTtl()))
                    .ifPresent(s -> hub.append(sessionId, StreamIds.LISTENING, Direction.SERVER_TO_CLIENT,
                            notification));
        } catch (StoreException e) {
            log.warn("notification not stored: session={} cause={}", sessionId, e.toString());
        }
    }

    /** @return the ids of the sessions this node's SDK holds now; a snapshot */
    public Set<String> localSessionIds() {
        return sdkSessions.ids();
    }

    /** @return how many stored sessions this node admitted into its SDK since it started */
    public long admissions() {
        return admission.admittedCount();
    }

    /** @return this node instance's owner tag, {@code <nodeId>#<instance>} */
    public String owner() {
        return bus.owner();
    }

    /** @return the links of the chain, in order */
    public List<Interceptor> links() {
        return chain.links();
    }

    /** @return the settings */
    public InterceptorConfig config() {
        return config;
    }

    /** Runs retention once now (purge expired sessions, trim old events, evict stale SDK sessions). */
    public void runRetention() {
        retention.run();
    }

    @Override
    public void init(FilterConfig filterConfig) {
        // everything is set up by the constructor
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain next)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            next.doFilter(req, res);
            return;
        }
        response.setHeader(Headers.MCP_STATE_NODE, config.nodeId());
        Exchange exchange = new Exchange(request, response);
        try {
            chain.run(exchange, next);
        } catch (StoreException e) {
            log.error("storage fault: method={} session={} cause={}", request.getMethod(),
                    exchange.sessionIdHeader(), e.toString());
            fail(response, exchange, 503, ErrorCodes.STORAGE_UNAVAILABLE,
                    "Session storage is unavailable; retry in " + config.retryAfterSeconds() + " s");
        } catch (RuntimeException e) {
            log.error("unexpected failure: method={} session={}", request.getMethod(), exchange.sessionIdHeader(),
                    e);
            fail(response, exchange, 500, ErrorCodes.INTERNAL_ERROR, "Internal error");
        }
    }

    private void fail(HttpServletResponse response, Exchange exchange, int status, int code, String message)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setHeader(Headers.MCP_STATE_NODE, config.nodeId());
        if (status == 503) {
            response.setHeader(Headers.RETRY_AFTER, Integer.toString(config.retryAfterSeconds()));
        }
        JsonRpcErrors.send(response, status, exchange.messageId(), code, message);
    }

    @Override
    public void destroy() {
        close();
    }

    /** Stops the stream followers and the retention thread. Idempotent. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        resumption.stopAll();
        followers.shutdownNow();
        writers.shutdown();
        bus.close();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
