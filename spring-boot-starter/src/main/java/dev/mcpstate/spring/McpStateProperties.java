package dev.mcpstate.spring;

import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.store.StorageConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code mcp-state.*} settings of the starter: where sessions and events are stored, this node's id, and the
 * session filter's settings that an operator tunes. Every default is the one of {@link StorageConfig} and
 * {@link InterceptorConfig}; durations take Spring's forms ({@code 15s}, {@code 1h}), sizes Spring's data sizes
 * ({@code 4MB}). Anything not here can be set in code with a {@link McpStateCustomizer} bean.
 *
 * <p>A mutable binding target, not thread-safe; Spring binds it once at startup.
 */
@ConfigurationProperties(prefix = McpStateProperties.PREFIX)
public class McpStateProperties {

    /** The prefix of every property: {@value}. */
    public static final String PREFIX = "mcp-state";

    /** The built-in backends the starter can open. */
    public enum Store {
        /** One SQLite file ({@code mcp-state.db}): sessions survive restarts of one node. */
        SQLITE,
        /** Redis ({@code mcp-state.redis-url}): any node sharing it serves any session. */
        REDIS
    }

    /** Whether the session filter wraps the Spring AI MCP server; false leaves Spring AI's own transport. */
    private boolean enabled = true;

    /** Where sessions and events are kept. */
    private Store store = Store.SQLITE;

    /** The SQLite file, for store=sqlite. */
    private Path db = StorageConfig.DEFAULT_SQLITE_PATH;

    /** The Redis URL, for store=redis, e.g. redis://user:password@host:6379/0. */
    private String redisUrl = StorageConfig.DEFAULT_REDIS_URL;

    /** The prefix of every Redis key. */
    private String redisKeyPrefix = StorageConfig.DEFAULT_REDIS_KEY_PREFIX;

    /**
     * Seeds of a Redis Cluster ({@code host:port} or {@code redis://} URIs), for store=redis; when given,
     * {@code redis-url} is not used. Empty for one Redis.
     */
    private List<String> redisCluster = new ArrayList<>();

    /** Replicas each durable write waits for ({@code WAIT N}); 0 for none. */
    private int redisWaitReplicas;

    /** The longest wait for those replicas; fewer in time fail the write (the request gets 503). */
    private Duration redisWaitTimeout = StorageConfig.DEFAULT_WAIT_TIMEOUT;

    /** This node's id, sent in the Mcp-State-Node header; null for the host name. */
    private String nodeId;

    /** Larger POST bodies get 413. */
    private DataSize maxBodyBytes = DataSize.ofBytes(InterceptorConfig.DEFAULT_MAX_BODY_BYTES);

    /** A POST body not complete this long after the request arrived gets 408 and its connection closed. */
    private Duration bodyDeadline = InterceptorConfig.DEFAULT_BODY_DEADLINE;

    /** Browser origins accepted besides loopback ones; others get 403. */
    private Set<String> allowedOrigins = new LinkedHashSet<>();

    /** Host header names accepted besides localhost and IP literals; others get 403; "*" turns the check off. */
    private Set<String> allowedHosts = new LinkedHashSet<>();

    /** A static bearer token file, one "<token> <principal> [admin]" a line; null for none. */
    private Path authTokens;

    /** An idle SSE stream gets a comment line this often. */
    private Duration keepAlive = InterceptorConfig.DEFAULT_KEEP_ALIVE;

    /** An open stream re-reads the store this often without a wake-up. */
    private Duration pollInterval = InterceptorConfig.DEFAULT_POLL_INTERVAL;

    /** A resumed response stream whose producer stays silent this long ends with error -32005. */
    private Duration responseStreamTimeout = InterceptorConfig.DEFAULT_RESPONSE_STREAM_TIMEOUT;

    /** A session idle this long expires (404) and is purged. */
    private Duration sessionIdleTtl = StorageConfig.DEFAULT_SESSION_IDLE_TTL;

    /** Events kept per stream; older ones are trimmed. */
    private int maxEventsPerStream = StorageConfig.DEFAULT_MAX_EVENTS_PER_STREAM;

    /** Events older than this are trimmed. */
    private Duration eventMaxAge = StorageConfig.DEFAULT_EVENT_MAX_AGE;

    /** A stream closed longer than this ago is removed whole: it is replayed only to a client that just lost it. */
    private Duration closedStreamMaxAge = StorageConfig.DEFAULT_CLOSED_STREAM_MAX_AGE;

    /** SSE streams (GETs) one node serves at once; more get 503. */
    private int maxOpenStreams = InterceptorConfig.DEFAULT_MAX_OPEN_STREAMS;

    /** How often this node proves it is alive (Redis). */
    private Duration heartbeatInterval = InterceptorConfig.DEFAULT_HEARTBEAT_INTERVAL;

    /** A node silent this long is dead: its resumed response streams end with -32005. */
    private Duration nodeDeadAfter = InterceptorConfig.DEFAULT_NODE_DEAD_AFTER;

    /** Requests per second per caller, all nodes together; 0 turns rate limiting off. */
    private int rateLimit;

    /** Requests a caller may send at once; 0 for the rate itself. */
    private int rateLimitBurst;

    /** The state-sidecar tools. */
    private final Sidecar sidecar = new Sidecar();

    /** The {@code mcp-state.sidecar.*} settings. */
    public static class Sidecar {

        /** Whether the state-sidecar tools (state_set, state_get, workflow_*, lease_* ...) join the MCP server. */
        private boolean enabled;

        /** @return whether the sidecar tools are served */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the sidecar tools are served */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /**
     * @return the storage configuration these properties describe
     * @throws IllegalArgumentException when a value is out of range (e.g. a non-positive TTL)
     */
    public StorageConfig toStorageConfig() {
        if (!redisCluster.isEmpty() && store != Store.REDIS) {
            throw new IllegalArgumentException("mcp-state.redis-cluster needs mcp-state.store=redis, was: " + store);
        }
        StorageConfig base = store == Store.SQLITE ? StorageConfig.sqlite(db)
                : redisCluster.isEmpty() ? StorageConfig.redis(redisUrl) : StorageConfig.redisCluster(redisCluster);
        return base.toBuilder()
                .waitReplicas(redisWaitReplicas, redisWaitTimeout) // checked there; 0 replicas: no WAIT
                .redisKeyPrefix(redisKeyPrefix)
                .sessionIdleTtl(sessionIdleTtl)
                .maxEventsPerStream(maxEventsPerStream)
                .eventMaxAge(eventMaxAge)
                .closedStreamMaxAge(closedStreamMaxAge)
                .build();
    }

    /**
     * Applies these properties to a filter configuration builder; the authenticator is set by the caller.
     *
     * @param builder the builder; not null
     * @return {@code builder}
     * @throws IllegalArgumentException when a value is out of range (e.g. a node id with spaces, a body limit over
     *                                  2 GiB)
     */
    public InterceptorConfig.Builder applyTo(InterceptorConfig.Builder builder) {
        if (nodeId != null && !nodeId.isBlank()) {
            builder.nodeId(nodeId);
        }
        long bytes = maxBodyBytes.toBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(PREFIX + ".max-body-bytes must be at most 2GB, was: " + maxBodyBytes);
        }
        builder.maxBodyBytes((int) bytes)
                .bodyDeadline(bodyDeadline)
                .allowedOrigins(allowedOrigins)
                .allowedHosts(allowedHosts)
                .keepAlive(keepAlive)
                .pollInterval(pollInterval)
                .responseStreamTimeout(responseStreamTimeout)
                .maxOpenStreams(maxOpenStreams)
                .heartbeatInterval(heartbeatInterval)
                .nodeDeadAfter(nodeDeadAfter);
        if (rateLimit > 0) {
            builder.rateLimit(rateLimit, rateLimitBurst > 0 ? rateLimitBurst : rateLimit);
        }
        return builder;
    }

    /** @return whether the filter wraps the MCP server */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the filter wraps the MCP server */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the backend */
    public Store getStore() {
        return store;
    }

    /** @param store the backend; not null */
    public void setStore(Store store) {
        this.store = store;
    }

    /** @return the SQLite file */
    public Path getDb() {
        return db;
    }

    /** @param db the SQLite file; not null */
    public void setDb(Path db) {
        this.db = db;
    }

    /** @return the Redis URL */
    public String getRedisUrl() {
        return redisUrl;
    }

    /** @param redisUrl the Redis URL; not null */
    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    /** @return the seeds of a Redis Cluster; empty for one Redis */
    public List<String> getRedisCluster() {
        return redisCluster;
    }

    /** @param seeds seeds of a Redis Cluster, {@code host:port} or {@code redis://} URIs; not null */
    public void setRedisCluster(List<String> seeds) {
        this.redisCluster = new ArrayList<>(seeds);
    }

    /** @return the replicas each durable write waits for; 0 for none */
    public int getRedisWaitReplicas() {
        return redisWaitReplicas;
    }

    /** @param replicas the replicas each durable write waits for ({@code WAIT N}); 0 or more */
    public void setRedisWaitReplicas(int replicas) {
        this.redisWaitReplicas = replicas;
    }

    /** @return the longest wait for those replicas */
    public Duration getRedisWaitTimeout() {
        return redisWaitTimeout;
    }

    /** @param timeout the longest wait for those replicas; positive, shorter than the store timeout */
    public void setRedisWaitTimeout(Duration timeout) {
        this.redisWaitTimeout = timeout;
    }

    /** @return the prefix of every Redis key */
    public String getRedisKeyPrefix() {
        return redisKeyPrefix;
    }

    /** @param redisKeyPrefix the prefix of every Redis key; not null */
    public void setRedisKeyPrefix(String redisKeyPrefix) {
        this.redisKeyPrefix = redisKeyPrefix;
    }

    /** @return this node's id; null for the host name */
    public String getNodeId() {
        return nodeId;
    }

    /** @param nodeId this node's id; null for the host name */
    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    /** @return the largest accepted POST body */
    public DataSize getMaxBodyBytes() {
        return maxBodyBytes;
    }

    /** @param maxBodyBytes the largest accepted POST body; positive, at most 2 GiB */
    public void setMaxBodyBytes(DataSize maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** @return how long a POST body may take to arrive */
    public Duration getBodyDeadline() {
        return bodyDeadline;
    }

    /** @param bodyDeadline how long a POST body may take to arrive; positive */
    public void setBodyDeadline(Duration bodyDeadline) {
        this.bodyDeadline = bodyDeadline;
    }

    /** @return the browser origins accepted besides loopback ones */
    public Set<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    /** @param allowedOrigins browser origins accepted besides loopback ones; not null */
    public void setAllowedOrigins(Set<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    /** @return the host names accepted besides loopback ones */
    public Set<String> getAllowedHosts() {
        return allowedHosts;
    }

    /** @param allowedHosts host names accepted besides loopback ones; not null */
    public void setAllowedHosts(Set<String> allowedHosts) {
        this.allowedHosts = allowedHosts;
    }

    /** @return the static bearer token file; null for none */
    public Path getAuthTokens() {
        return authTokens;
    }

    /** @param authTokens the static bearer token file; null for none */
    public void setAuthTokens(Path authTokens) {
        this.authTokens = authTokens;
    }

    /** @return the keep-alive interval of idle SSE streams */
    public Duration getKeepAlive() {
        return keepAlive;
    }

    /** @param keepAlive the keep-alive interval of idle SSE streams; positive */
    public void setKeepAlive(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    /** @return how often an open stream re-reads the store */
    public Duration getPollInterval() {
        return pollInterval;
    }

    /** @param pollInterval how often an open stream re-reads the store; positive */
    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** @return how long a resumed response stream waits for a silent producer */
    public Duration getResponseStreamTimeout() {
        return responseStreamTimeout;
    }

    /** @param responseStreamTimeout how long a resumed response stream waits for a silent producer; positive */
    public void setResponseStreamTimeout(Duration responseStreamTimeout) {
        this.responseStreamTimeout = responseStreamTimeout;
    }

    /** @return the idle time after which a session expires */
    public Duration getSessionIdleTtl() {
        return sessionIdleTtl;
    }

    /** @param sessionIdleTtl the idle time after which a session expires; positive */
    public void setSessionIdleTtl(Duration sessionIdleTtl) {
        this.sessionIdleTtl = sessionIdleTtl;
    }

    /** @return the events kept per stream */
    public int getMaxEventsPerStream() {
        return maxEventsPerStream;
    }

    /** @param maxEventsPerStream the events kept per stream; positive */
    public void setMaxEventsPerStream(int maxEventsPerStream) {
        this.maxEventsPerStream = maxEventsPerStream;
    }

    /** @return the age after which events are trimmed */
    public Duration getEventMaxAge() {
        return eventMaxAge;
    }

    /** @param eventMaxAge the age after which events are trimmed; positive */
    public void setEventMaxAge(Duration eventMaxAge) {
        this.eventMaxAge = eventMaxAge;
    }

    /** @return how long a closed stream stays replayable */
    public Duration getClosedStreamMaxAge() {
        return closedStreamMaxAge;
    }

    /** @param closedStreamMaxAge how long a closed stream stays replayable; positive */
    public void setClosedStreamMaxAge(Duration closedStreamMaxAge) {
        this.closedStreamMaxAge = closedStreamMaxAge;
    }

    /** @return the SSE streams one node serves at once */
    public int getMaxOpenStreams() {
        return maxOpenStreams;
    }

    /** @param maxOpenStreams the SSE streams one node serves at once; positive */
    public void setMaxOpenStreams(int maxOpenStreams) {
        this.maxOpenStreams = maxOpenStreams;
    }

    /** @return how often this node proves it is alive */
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /** @param heartbeatInterval how often this node proves it is alive; positive, shorter than node-dead-after */
    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /** @return the silence after which a node counts as dead */
    public Duration getNodeDeadAfter() {
        return nodeDeadAfter;
    }

    /** @param nodeDeadAfter the silence after which a node counts as dead; longer than heartbeat-interval */
    public void setNodeDeadAfter(Duration nodeDeadAfter) {
        this.nodeDeadAfter = nodeDeadAfter;
    }

    /** @return requests per second per caller; 0 when off */
    public int getRateLimit() {
        return rateLimit;
    }

    /** @param rateLimit requests per second per caller; 0 turns rate limiting off */
    public void setRateLimit(int rateLimit) {
        this.rateLimit = rateLimit;
    }

    /** @return requests a caller may send at once; 0 for the rate itself */
    public int getRateLimitBurst() {
        return rateLimitBurst;
    }

    /** @param rateLimitBurst requests a caller may send at once; 0 for the rate itself */
    public void setRateLimitBurst(int rateLimitBurst) {
        this.rateLimitBurst = rateLimitBurst;
    }

    /** @return the sidecar settings */
    public Sidecar getSidecar() {
        return sidecar;
    }
}
