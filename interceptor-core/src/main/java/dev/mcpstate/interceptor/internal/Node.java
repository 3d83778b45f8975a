package dev.mcpstate.interceptor.internal;

import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.chain.InterceptorChain;
import dev.mcpstate.interceptor.internal.link.Admission;
import dev.mcpstate.interceptor.internal.link.Authentication;
import dev.mcpstate.interceptor.internal.link.Capture;
import dev.mcpstate.interceptor.internal.link.Lifecycle;
import dev.mcpstate.interceptor.internal.link.ProtocolGate;
import dev.mcpstate.interceptor.internal.link.RateLimiting;
import dev.mcpstate.interceptor.internal.link.RequestBody;
import dev.mcpstate.interceptor.internal.link.ResponseRouting;
import dev.mcpstate.interceptor.internal.link.SecurityEdge;
import dev.mcpstate.interceptor.internal.link.SessionGuard;
import dev.mcpstate.interceptor.internal.link.StreamResumption;
import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.interceptor.internal.resume.StreamFollower;
import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.resume.StreamIds;
import dev.mcpstate.interceptor.internal.sdk.ListeningStreamTransport;
import dev.mcpstate.interceptor.internal.sdk.SdkSessions;
import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Storage;
import io.modelcontextprotocol.json.McpJsonMapper;
import jakarta.servlet.Servlet;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A started session filter: its threads, its cluster bus and its chain of links. Created by
 * {@code McpStateFilter.init}, closed by {@code McpStateFilter.destroy}.
 *
 * <p><b>The chain</b> — its order is defined here and nowhere else ({@link #links}); {@code docs/ARCHITECTURE.md}
 * shows it and {@code ChainOrderTest} checks the two agree:
 * <ol>
 *   <li>{@link SecurityEdge} — {@code Host} and {@code Origin} (DNS rebinding), for every request of every era;</li>
 *   <li>{@link Authentication} — bearer token (401) or the container's principal, for every request of every era;</li>
 *   <li>{@link RateLimiting} — only when configured: one token per request from the caller's bucket in the store,
 *       else 429; before the era decision, so that it applies to every request, after authentication, so that
 *       it knows the principal;</li>
 *   <li>{@link RequestBody} — size limit (413), JSON (-32700), JSON-RPC shape and params; what the body holds;</li>
 *   <li>{@link ProtocolGate} — protocol era (requests of the era without sessions go to that era's servlet,
 *       without persistence, their errors sanitized),
 *       {@code Accept} (406), {@code initialize} params;</li>
 *   <li>{@link SessionGuard} — unknown, closed, expired or foreign sessions get 404; the session record;</li>
 *   <li>{@link Admission} — a stored session unknown to this node's SDK is admitted under its id;</li>
 *   <li>{@link ResponseRouting} — a client's answer to a server-to-client request goes to the issuing node;
 *       before resumption and capture, because such a POST is answered here;</li>
 *   <li>{@link StreamResumption} — every GET is answered from the store (replay, then live);</li>
 *   <li>{@link Capture} — every message is persisted before the client sees it; the filter owns event ids;</li>
 *   <li>{@link Lifecycle} — INITIALIZED, ACTIVE, CLOSED from what the SDK answered. Innermost, so its work after
 *       the servlet runs first: the session it stores for {@code initialize} is in the exchange when
 *       {@link Capture} records the initialize messages.</li>
 * </ol>
 *
 * <p>Thread-safe.
 */
public final class Node implements AutoCloseable {

    /** Threads of the stream followers: store reads and writes to clients, for every open stream of the node. */
    static final int FOLLOWER_THREADS = Math.min(16, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    private final InterceptorChain chain;
    private final ClusterBus bus;
    private final SessionCache cache;
    private final Admission admission;
    private final StreamResumption resumption;
    private final Retention retention;
    /** Runs the stream followers' work; small and fixed: an open stream holds no thread while it waits. */
    private final ExecutorService followers;
    /** The stream followers' poll ticks, and the retention sweep. */
    private final ScheduledExecutorService ticker;
    private final ExecutorService writers;
    /** Removes this node's share of the gauges. */
    private final Runnable gauges;

    private Node(Storage storage, SdkSessions sdk, StreamHub hub, McpJsonMapper jsonMapper, InterceptorConfig config,
            String owner, Servlet sessionless, FilterMetrics metrics) {
        this.bus = storage.openBus(owner, config.heartbeatInterval(), config.nodeDeadAfter());
        hub.attach(bus);
        this.cache = new SessionCache(config.sessionCacheSize());
        Function<String, ListeningStreamTransport> listening =
                id -> new ListeningStreamTransport(id, hub, jsonMapper, owner);
        this.followers = Executors.newFixedThreadPool(FOLLOWER_THREADS, daemon("mcp-state-stream-"));
        this.writers = Executors.newCachedThreadPool(daemon("mcp-state-writer-"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("mcp-state-ticker-"));
        this.resumption = new StreamResumption(hub, followers, ticker,
                new StreamFollower.Settings(config.clock(), config.pollInterval(), config.keepAlive(),
                        config.responseStreamTimeout()),
                stream -> !bus.isAlive(stream.ownerNode()), config.maxOpenStreams(), config.retryAfterSeconds(),
                metrics);
        this.admission = new Admission(sdk, listening, metrics);
        this.chain = new InterceptorChain(links(storage, sdk, hub, config, owner, listening, sessionless, metrics));
        this.retention = new Retention(storage.sessions(), hub, sdk, storage.config(), config.clock(), bus, metrics,
                config.sweepInterval().multipliedBy(2));
        this.gauges = metrics.gauges(sdk::count, resumption::openStreams);
        bus.onSessionEnded(sessionId -> {
            cache.invalidate(sessionId);
            sdk.evict(sessionId);
            hub.wake(sessionId, StreamIds.LISTENING);
        });
        bus.onSessionChanged(cache::invalidate);
        long sweepMillis = config.sweepInterval().toMillis();
        ticker.scheduleWithFixedDelay(() -> followers.execute(retention), sweepMillis, sweepMillis,
                TimeUnit.MILLISECONDS);
    }

    /** The links, in chain order: the one definition of that order. */
    private List<Interceptor> links(Storage storage, SdkSessions sdk, StreamHub hub, InterceptorConfig config,
            String owner, Function<String, ListeningStreamTransport> listening, Servlet sessionless,
            FilterMetrics metrics) {
        return Stream.of(
                new SecurityEdge(config.allowedOrigins(), config.allowedHosts()),
                new Authentication(config.authenticator(), config.retryAfterSeconds()),
                rateLimiting(storage, config), // null when off: then not in the chain at all
                new RequestBody(config.maxBodyBytes(), config.bodyDeadline(), config.clock()),
                new ProtocolGate(sessionless),
                new SessionGuard(storage.sessions(), cache, bus, config.clock(), storage.config().sessionIdleTtl(),
                        config.touchInterval(), metrics),
                admission,
                new ResponseRouting(bus, hub),
                resumption,
                new Capture(hub, owner, writers, config.retryAfterSeconds(), storage::available),
                new Lifecycle(storage.sessions(), cache, hub, sdk, listening, config.clock(), config.nodeId(), bus,
                        metrics))
                .filter(Objects::nonNull).toList();
    }

    /**
     * @return the rate-limiting link, or null when rate limiting is off
     * @throws UnsupportedOperationException when it is on and the storage backend has no rate-limit store
     */
    private static RateLimiting rateLimiting(Storage storage, InterceptorConfig config) {
        return config.rateLimitPerSecond() == 0 ? null
                : new RateLimiting(storage.rateLimits(), config.rateLimitPerSecond(), config.rateLimitBurst());
    }

    /**
     * Opens the cluster bus and starts the node's threads.
     *
     * @param owner       this node instance's owner tag; not null
     * @param sessionless the servlet of the protocol era without sessions ({@link ProtocolGate}), or null
     * @param metrics     the filter's meters (a no-op without a registry); not null
     * @throws dev.mcpstate.store.StoreException when the bus cannot subscribe
     */
    public static Node start(Storage storage, SdkSessions sdk, StreamHub hub, McpJsonMapper jsonMapper,
            InterceptorConfig config, String owner, Servlet sessionless, FilterMetrics metrics) {
        return new Node(storage, sdk, hub, jsonMapper, config, owner, sessionless, metrics);
    }

    /** @return the chain every request runs through */
    public InterceptorChain chain() {
        return chain;
    }

    /** @return the cluster bus of this node instance */
    public ClusterBus bus() {
        return bus;
    }

    /** @return the admission link, which counts admissions */
    public Admission admission() {
        return admission;
    }

    /** @return the retention job */
    public Retention retention() {
        return retention;
    }

    /** Stops the followers, the writers, the retention sweep and the bus. Idempotent. */
    @Override
    public void close() {
        gauges.run();
        ticker.shutdownNow();
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
