package dev.mcpstate.interceptor;

import dev.mcpstate.interceptor.auth.Authenticator;
import dev.mcpstate.store.internal.Checks;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Settings of the session filter. Immutable and thread-safe; build with {@link #builder()}, copy with
 * {@link #toBuilder()}. Setters validate and name the field and value in the {@link IllegalArgumentException}.
 */
public final class InterceptorConfig {

    /** Largest accepted POST body: 4 MiB. Larger bodies get 413. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Default longest time a POST body may take to arrive: 10 s. */
    public static final Duration DEFAULT_BODY_DEADLINE = Duration.ofSeconds(10);
    /**
     * Longest time before a stream follower re-reads the store without a wake-up: 2 s. Appends wake followers at
     * once (on this node through the filter, from other nodes over the cluster bus); the poll only covers a wake-up
     * the bus lost, e.g. while it reconnected.
     */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** Idle time after which an open SSE stream gets a keep-alive comment: 15 s. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);
    /** How long a resumed response stream waits for a silent producer before ending with an error: 5 min. */
    public static final Duration DEFAULT_RESPONSE_STREAM_TIMEOUT = Duration.ofMinutes(5);
    /** Least time between two last-seen updates of one session: 1 s. */
    public static final Duration DEFAULT_TOUCH_INTERVAL = Duration.ofSeconds(1);
    /** How often expired sessions are purged and old events trimmed: 1 min. */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);
    /** How often a node proves to the others that it is alive: 1 s. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    /** Silence after which a node counts as dead and its open response streams end with an error: 5 s. */
    public static final Duration DEFAULT_NODE_DEAD_AFTER = Duration.ofSeconds(5);
    /**
     * Most SSE streams (resumed or listening GETs) this node serves at once; more get 503: 10,000. An open stream
     * holds no thread, only its connection and a few KiB of heap; the benchmarks' {@code streams_10k} measures it.
     */
    public static final int DEFAULT_MAX_OPEN_STREAMS = 10_000;
    /** Sessions a node remembers, so that their warm requests need no store read: 10,000. */
    public static final int DEFAULT_SESSION_CACHE_SIZE = 10_000;
    /** {@code Retry-After} seconds sent with a 503 when the store is unreachable. */
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

    /** How long a minted {@code requestState} stays valid: 10 minutes (the SDK's default). */
    public static final Duration DEFAULT_REQUEST_STATE_TTL = Duration.ofMinutes(10);

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String nodeId;
    private final int maxBodyBytes;
    private final Duration bodyDeadline;
    private final Set<String> allowedOrigins;
    private final Set<String> allowedHosts;
    private final Authenticator authenticator;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration keepAlive;
    private final Duration responseStreamTimeout;
    private final Duration touchInterval;
    private final Duration sweepInterval;
    private final int retryAfterSeconds;
    private final Duration heartbeatInterval;
    private final Duration nodeDeadAfter;
    private final int maxOpenStreams;
    private final int sessionCacheSize;
    private final int rateLimitPerSecond;
    private final int rateLimitBurst;
    private final MeterRegistry meterRegistry;
    private final RequestStateKeys requestStateKeys;
    private final Duration requestStateTtl;

    private InterceptorConfig(Builder b) {
        this.requestStateKeys = b.requestStateKeys;
        this.requestStateTtl = b.requestStateTtl;
        this.maxOpenStreams = b.maxOpenStreams;
        this.sessionCacheSize = b.sessionCacheSize;
        this.heartbeatInterval = b.heartbeatInterval;
        this.nodeDeadAfter = b.nodeDeadAfter;
        this.nodeId = b.nodeId;
        this.maxBodyBytes = b.maxBodyBytes;
        this.bodyDeadline = b.bodyDeadline;
        this.allowedOrigins = b.allowedOrigins;
        this.allowedHosts = b.allowedHosts;
        this.authenticator = b.authenticator;
        this.clock = b.clock;
        this.pollInterval = b.pollInterval;
        this.keepAlive = b.keepAlive;
        this.responseStreamTimeout = b.responseStreamTimeout;
        this.touchInterval = b.touchInterval;
        this.sweepInterval = b.sweepInterval;
        this.retryAfterSeconds = b.retryAfterSeconds;
        this.rateLimitPerSecond = b.rateLimitPerSecond;
        this.rateLimitBurst = b.rateLimitBurst;
        this.meterRegistry = b.meterRegistry;
    }

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.nodeId = nodeId;
        b.maxBodyBytes = maxBodyBytes;
        b.bodyDeadline = bodyDeadline;
        b.allowedOrigins = allowedOrigins;
        b.allowedHosts = allowedHosts;
        b.authenticator = authenticator;
        b.clock = clock;
        b.pollInterval = pollInterval;
        b.keepAlive = keepAlive;
        b.responseStreamTimeout = responseStreamTimeout;
        b.touchInterval = touchInterval;
        b.sweepInterval = sweepInterval;
        b.retryAfterSeconds = retryAfterSeconds;
        b.heartbeatInterval = heartbeatInterval;
        b.nodeDeadAfter = nodeDeadAfter;
        b.maxOpenStreams = maxOpenStreams;
        b.sessionCacheSize = sessionCacheSize;
        b.rateLimitPerSecond = rateLimitPerSecond;
        b.rateLimitBurst = rateLimitBurst;
        b.meterRegistry = meterRegistry;
        b.requestStateKeys = requestStateKeys;
        b.requestStateTtl = requestStateTtl;
        return b;
    }

    /** @return this node's id, sent in {@code Mcp-State-Node} and stored with the sessions it creates */
    public String nodeId() {
        return nodeId;
    }

    /** @return the largest accepted POST body, in bytes */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * How long a POST body may take to arrive in full, counted from the request's arrival at the filter (this
     * config's clock; the links before the body's — authentication, rate limiting — count too): a body not complete
     * by then gets {@code 408} with JSON-RPC error -32000 and {@code Connection: close}, so a client that dribbles
     * its body holds a servlet thread for a bounded time on any container. The filter checks before each read of the
     * container's input stream; a client silent inside one read is answered (408 too) when the container's own read
     * timeout fails that read (Tomcat's {@code connectionTimeout}, Jetty's idle timeout).
     * On Jetty, {@code McpStateJetty.harden} enforces the same deadline before the servlet, holding no thread.
     *
     * @return positive; default {@link #DEFAULT_BODY_DEADLINE}
     */
    public Duration bodyDeadline() {
        return bodyDeadline;
    }

    /** @return browser origins allowed besides loopback ones; {@code *} allows all */
    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * @return {@code Host} names (or {@code name:port}) accepted besides loopback ones; {@code *} accepts any
     */
    public Set<String> allowedHosts() {
        return allowedHosts;
    }

    /** @return who checks callers' credentials; null when the container's own principal (or none) is used */
    public Authenticator authenticator() {
        return authenticator;
    }

    /** @return the clock for session times and timeouts */
    public Clock clock() {
        return clock;
    }

    /** @return the longest time before a stream follower re-reads the store without a wake-up */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** @return idle time after which an SSE stream gets a keep-alive comment */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** @return how long a resumed response stream waits for a silent producer */
    public Duration responseStreamTimeout() {
        return responseStreamTimeout;
    }

    /** @return least time between two last-seen updates of one session */
    public Duration touchInterval() {
        return touchInterval;
    }

    /**
     * @return how often retention runs: each node evicts the sessions the store no longer holds from its SDK, and the
     *         node whose turn it is (one of those sharing the store; the turn lasts twice this, renewed every run)
     *         purges expired sessions and trims old streams and events
     */
    public Duration sweepInterval() {
        return sweepInterval;
    }

    /** @return the {@code Retry-After} seconds of a 503 */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** @return how often this node proves it is alive (multi-node stores) */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** @return silence after which another node counts as dead */
    public Duration nodeDeadAfter() {
        return nodeDeadAfter;
    }

    /** @return the most SSE streams (GETs) this node serves at once */
    public int maxOpenStreams() {
        return maxOpenStreams;
    }

    /** @return how many sessions this node remembers between requests (least recently used go first) */
    public int sessionCacheSize() {
        return sessionCacheSize;
    }

    /**
     * @return requests per second each caller may send, summed over every node sharing the store (the refill rate
     *         of the caller's token bucket); 0 when rate limiting is off (the default)
     */
    public int rateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    /**
     * @return requests a caller may send at once after being idle (the capacity of its token bucket); 0 when rate
     *         limiting is off
     */
    public int rateLimitBurst() {
        return rateLimitBurst;
    }

    /**
     * @return where the filter records its meters ({@link dev.mcpstate.interceptor.ops.McpStateMetrics}); null (the
     *         default) when it records none
     */
    public MeterRegistry meterRegistry() {
        return meterRegistry;

    }

    /**
     * @return the keys that seal and open {@code requestState} of the era without sessions, the same on every
     *         node; null when not configured (then {@link ClusterRequestStateCodec} seals with the random key the
     *         store keeps for every node sharing it, {@link dev.mcpstate.store.RequestStateLedger#sharedKey()})
     */
    public RequestStateKeys requestStateKeys() {
        return requestStateKeys;
    }

    /** @return how long a minted {@code requestState} stays valid */
    public Duration requestStateTtl() {
        return requestStateTtl;
    }

    /** Builds an {@link InterceptorConfig}; not thread-safe. */
    public static final class Builder {
        private String nodeId = defaultNodeId();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration bodyDeadline = DEFAULT_BODY_DEADLINE;
        private Set<String> allowedOrigins = Set.of();
        private Set<String> allowedHosts = Set.of();
        private Authenticator authenticator;
        private Clock clock = Clock.systemUTC();
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private Duration responseStreamTimeout = DEFAULT_RESPONSE_STREAM_TIMEOUT;
        private Duration touchInterval = DEFAULT_TOUCH_INTERVAL;
        private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
        private int retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration nodeDeadAfter = DEFAULT_NODE_DEAD_AFTER;
        private int maxOpenStreams = DEFAULT_MAX_OPEN_STREAMS;
        private int sessionCacheSize = DEFAULT_SESSION_CACHE_SIZE;
        private int rateLimitPerSecond;
        private int rateLimitBurst;
        private MeterRegistry meterRegistry;
        private RequestStateKeys requestStateKeys;
        private Duration requestStateTtl = DEFAULT_REQUEST_STATE_TTL;

        private Builder() {
        }

        /**
         * Records the filter's meters — MCP operation and session durations (OpenTelemetry's
         * {@code mcp.server.operation.duration}, {@code mcp.server.session.duration}), sessions, streams, events, store
         * latency, unavailability; {@link dev.mcpstate.interceptor.ops.McpStateMetrics} lists them — in a Micrometer
         * registry, e.g. a {@code PrometheusMeterRegistry} served by
         * {@link dev.mcpstate.interceptor.ops.PrometheusServlet}. Several filters may share one registry: counters and
         * timers add up, gauges sum over the started filters. Without a registry (the default) nothing is recorded
         * and the store calls are not wrapped.
         *
         * @param registry a thread-safe registry (every Micrometer registry is); null for none
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;

            return this;
        }

        /**
         * The keys of {@code requestState} (spec 2026-07-28, "Multi Round-Trip Requests"): give every node the same
         * ones, so that any node opens state another minted ({@link ClusterRequestStateCodec}).
         *
         * @param keys the current key and, after a rotation, the previous one; null for the random key the store
         *             keeps for every node ({@link dev.mcpstate.store.RequestStateLedger#sharedKey()})
         */
        public Builder requestStateKeys(RequestStateKeys keys) {
            this.requestStateKeys = keys;
            return this;
        }

        /** @param ttl how long a minted {@code requestState} stays valid; positive */
        public Builder requestStateTtl(Duration ttl) {
            this.requestStateTtl = Checks.positive(ttl, "requestStateTtl");
            return this;
        }

        /**
         * Limits how many requests each caller sends, across every node sharing the store: one token bucket per
         * caller in the store ({@link dev.mcpstate.store.RateLimitStore}), which every request of the caller —
         * POST, GET, DELETE, of any protocol version — takes a token from. The caller is the authenticated principal
         * ({@code getUserPrincipal().getName()}) or, without one, the client address ({@code getRemoteAddr()}; behind
         * a proxy, let the container take it from {@code Forwarded}). Over the limit: {@code 429} with
         * {@code Retry-After} and JSON-RPC error {@code -32006}. Every limited response carries
         * {@code RateLimit-Limit} and {@code RateLimit-Remaining}. Off by default, and then not in the chain at all.
         *
         * @param requestsPerSecond the sustained rate per caller; 0 turns rate limiting off, else positive
         * @param burst             requests a caller may send at once (the bucket's capacity); at least 1 when
         *                          {@code requestsPerSecond} is positive, ignored when it is 0
         */
        public Builder rateLimit(int requestsPerSecond, int burst) {
            Checks.atLeast(requestsPerSecond, 0, "rateLimit requestsPerSecond");
            if (requestsPerSecond == 0) {
                this.rateLimitPerSecond = 0;
                this.rateLimitBurst = 0;
                return this;
            }
            this.rateLimitBurst = Checks.atLeast(burst, 1, "rateLimit burst");
            this.rateLimitPerSecond = requestsPerSecond;
            return this;
        }

        /** @param max at least 1; each open GET holds a connection (a file descriptor) of this node */
        public Builder maxOpenStreams(int max) {
            this.maxOpenStreams = Checks.atLeast(max, 1, "maxOpenStreams");
            return this;
        }

        /**
         * @param size sessions remembered between requests; at least 1. The store stays the truth: a session ended
         *             elsewhere still gets 404 on this node's next request
         */
        public Builder sessionCacheSize(int size) {
            this.sessionCacheSize = Checks.atLeast(size, 1, "sessionCacheSize");
            return this;
        }

        /** @param interval positive */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Checks.positive(interval, "heartbeatInterval");
            return this;
        }

        /** @param silence positive, longer than the heartbeat interval when built */
        public Builder nodeDeadAfter(Duration silence) {
            this.nodeDeadAfter = Checks.positive(silence, "nodeDeadAfter");
            return this;
        }

        /** @param id letters, digits, {@code .}, {@code _}, {@code -}; 1 to 64 characters. Default: the host name */
        public Builder nodeId(String id) {
            Objects.requireNonNull(id, "nodeId must not be null");
            if (!NODE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("nodeId must match " + NODE_ID + ", was: '" + id + "'");
            }
            this.nodeId = id;
            return this;
        }

        /** @param bytes largest accepted POST body; positive */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = Checks.positive(bytes, "maxBodyBytes");
            return this;
        }

        /**
         * @param deadline longest time a POST body may take to arrive; positive, see
         *                 {@link InterceptorConfig#bodyDeadline()}
         */
        public Builder bodyDeadline(Duration deadline) {
            this.bodyDeadline = Checks.positive(deadline, "bodyDeadline");
            return this;
        }

        /** @param origins origins allowed besides loopback, e.g. {@code https://app.example.com}; not null */
        public Builder allowedOrigins(Set<String> origins) {
            this.allowedOrigins = Set.copyOf(Objects.requireNonNull(origins, "allowedOrigins must not be null"));
            return this;
        }

        /**
         * Host names the server answers to besides loopback ones (DNS rebinding protection, MCP spec 2025-11-25,
         * "Security Warning"): a request whose {@code Host} header names another host gets {@code 403}. A server
         * reached under a public name lists it here, e.g. {@code mcp.example.com}; an entry with a port
         * ({@code mcp.example.com:8443}) matches only that port; {@code *} turns the check off.
         *
         * @param hosts not null
         */
        public Builder allowedHosts(Set<String> hosts) {
            this.allowedHosts = Set.copyOf(Objects.requireNonNull(hosts, "allowedHosts must not be null")).stream()
                    .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
            return this;
        }

        /**
         * Authenticates every request, of every protocol era, before anything else runs: a request without valid
         * credentials gets {@code 401} with {@code WWW-Authenticate}. Without one, the container's principal
         * ({@code getUserPrincipal()}) is used, and null when the container authenticates nobody.
         *
         * @param authenticator e.g. {@link dev.mcpstate.interceptor.auth.StaticTokens} or
         *                      {@link dev.mcpstate.interceptor.auth.JwtAuthenticator}; null for none
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /** @param clock the clock; not null */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /** @param interval positive */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Checks.positive(interval, "pollInterval");
            return this;
        }

        /** @param interval positive */
        public Builder keepAlive(Duration interval) {
            this.keepAlive = Checks.positive(interval, "keepAlive");
            return this;
        }

        /** @param timeout positive */
        public Builder responseStreamTimeout(Duration timeout) {
            this.responseStreamTimeout = Checks.positive(timeout, "responseStreamTimeout");
            return this;
        }

        /** @param interval zero or positive; zero updates last-seen on every request */
        public Builder touchInterval(Duration interval) {
            this.touchInterval = Checks.notNegative(interval, "touchInterval");
            return this;
        }

        /** @param interval positive */
        public Builder sweepInterval(Duration interval) {
            this.sweepInterval = Checks.positive(interval, "sweepInterval");
            return this;
        }

        /** @param seconds at least 1 */
        public Builder retryAfterSeconds(int seconds) {
            this.retryAfterSeconds = Checks.atLeast(seconds, 1, "retryAfterSeconds");
            return this;
        }

        /** @return the immutable configuration */
        public InterceptorConfig build() {
            if (nodeDeadAfter.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException("nodeDeadAfter must be longer than heartbeatInterval, was: "
                        + nodeDeadAfter + " <= " + heartbeatInterval);
            }
            return new InterceptorConfig(this);
        }

        private static String defaultNodeId() {
            try {
                String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
                return host.isEmpty() ? "node" : host.substring(0, Math.min(64, host.length()));
            } catch (UnknownHostException e) {
                return "node";
            }
        }
    }
}
