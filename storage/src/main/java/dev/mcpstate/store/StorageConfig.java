package dev.mcpstate.store;

import dev.mcpstate.store.internal.Checks;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where and how long mcp-state keeps its state: one SQLite file, one Redis, or this process's memory, shared by
 * the session filter and the sidecar tools.
 *
 * <p>Immutable and thread-safe. Build with {@link #sqlite(Path)}, {@link #redis(String)},
 * {@link #redisCluster(List)} or {@link #inMemory()}, then adjust
 * with {@link #toBuilder()}. Every setter validates its argument and names the field in the
 * {@link IllegalArgumentException} it throws.
 */
public final class StorageConfig {

    /** Default SQLite file, relative to the working directory. */
    public static final Path DEFAULT_SQLITE_PATH = Path.of("mcp-state.db");
    /** Default Redis URL. */
    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    /** Default idle time after which a session expires: 1 hour. */
    public static final Duration DEFAULT_SESSION_IDLE_TTL = Duration.ofHours(1);
    /** Default number of events kept per stream; older ones are trimmed. */
    public static final int DEFAULT_MAX_EVENTS_PER_STREAM = 10_000;
    /** Default age after which events are trimmed: 24 hours. */
    public static final Duration DEFAULT_EVENT_MAX_AGE = Duration.ofHours(24);
    /** Default time a closed stream stays replayable before it is removed whole: 10 minutes. */
    public static final Duration DEFAULT_CLOSED_STREAM_MAX_AGE = Duration.ofMinutes(10);
    /** Default prefix of every Redis key written by mcp-state. */
    public static final String DEFAULT_REDIS_KEY_PREFIX = "mcp";
    /** Default longest wait for one store command (and for connecting to Redis): 2 seconds. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Default longest wait of {@code WAIT} for replicas, when {@link #waitReplicas()} is on: 500 milliseconds. */
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofMillis(500);

    /** The storage backends. */
    public enum Backend {
        /** One embedded SQLite file (WAL mode); one node; survives restarts. */
        SQLITE,
        /**
         * Redis (sessions as hashes, events in Redis Streams); many nodes. One server ({@link #redisUrl()}) or a Redis
         * Cluster ({@link #redisClusterSeeds()}).
         */
        REDIS,
        /** In this process's memory: one node, lost on exit. For tests of servers built on mcp-state. */
        MEMORY
    }

    private final Backend backend;
    private final Path sqlitePath;
    private final String redisUrl;
    private final List<String> redisClusterSeeds;
    private final int waitReplicas;
    private final Duration waitTimeout;
    private final String redisKeyPrefix;
    private final Duration sessionIdleTtl;
    private final int maxEventsPerStream;
    private final Duration eventMaxAge;
    private final Duration closedStreamMaxAge;
    private final Duration commandTimeout;

    private StorageConfig(Builder b) {
        this.backend = b.backend;
        this.sqlitePath = b.sqlitePath;
        this.redisUrl = b.redisUrl;
        this.redisClusterSeeds = b.redisClusterSeeds;
        this.waitReplicas = b.waitReplicas;
        this.waitTimeout = b.waitTimeout;
        this.redisKeyPrefix = b.redisKeyPrefix;
        this.sessionIdleTtl = b.sessionIdleTtl;
        this.maxEventsPerStream = b.maxEventsPerStream;
        this.eventMaxAge = b.eventMaxAge;
        this.closedStreamMaxAge = b.closedStreamMaxAge;
        this.commandTimeout = b.commandTimeout;
    }

    /**
     * SQLite storage in one file.
     *
     * @param path the database file; created with its parent folders when missing; not null
     * @return a configuration with default retention
     */
    public static StorageConfig sqlite(Path path) {
        return new Builder().backend(Backend.SQLITE).sqlitePath(path).build();
    }

    /**
     * Redis storage.
     *
     * @param url a {@code redis://} or {@code rediss://} URL, e.g. {@code redis://127.0.0.1:6379/0}; not null
     * @return a configuration with default retention
     */
    public static StorageConfig redis(String url) {
        return new Builder().backend(Backend.REDIS).redisUrl(url).build();
    }

    /**
     * Redis Cluster storage: Lettuce's cluster client discovers the cluster from the seeds, routes every command to
     * the master of its key's hash slot, follows {@code MOVED}/{@code ASK} redirects and refreshes its view of the
     * cluster when they happen, when a node stays unreachable, and every few seconds — so a failover (a replica
     * promoted in place of a dead master) is followed without a restart. The key layout is the one of
     * {@link #redis(String)}: every script touches one hash slot. Needs Redis 7 or later (sharded pub/sub).
     *
     * @param seeds some nodes of the cluster, {@code host:port} or {@code redis://}/{@code rediss://} URIs (with
     *              credentials when needed); one reachable seed is enough to start; not null, not empty
     * @return a configuration with default retention
     * @throws IllegalArgumentException when there is no seed or a seed is neither {@code host:port} nor a Redis URI
     */
    public static StorageConfig redisCluster(List<String> seeds) {
        return new Builder().backend(Backend.REDIS).redisCluster(seeds).build();
    }

    /**
     * Splits a comma-separated seed list, as command lines and environment variables give it
     * ({@code h1:6379,h2:6379}), for {@link #redisCluster(List)}.
     *
     * @param commaSeparated seeds separated by commas, blanks around them ignored; not null
     * @return the seeds, in order; empty when there are none
     */
    public static List<String> seedList(String commaSeparated) {
        Objects.requireNonNull(commaSeparated, "commaSeparated must not be null");
        List<String> seeds = new ArrayList<>();
        for (String seed : commaSeparated.split(",")) {
            if (!seed.isBlank()) {
                seeds.add(seed.trim());
            }
        }
        return List.copyOf(seeds);
    }

    /**
     * Storage in this process's memory: nothing survives the process. Meant for tests of servers wrapped by
     * mcp-state; supported like the other backends and held to the same contract suites.
     *
     * @return a configuration with default retention
     */
    public static StorageConfig inMemory() {
        return new Builder().backend(Backend.MEMORY).build();
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.backend = backend;
        b.sqlitePath = sqlitePath;
        b.redisUrl = redisUrl;
        b.redisClusterSeeds = redisClusterSeeds;
        b.waitReplicas = waitReplicas;
        b.waitTimeout = waitTimeout;
        b.redisKeyPrefix = redisKeyPrefix;
        b.sessionIdleTtl = sessionIdleTtl;
        b.maxEventsPerStream = maxEventsPerStream;
        b.eventMaxAge = eventMaxAge;
        b.closedStreamMaxAge = closedStreamMaxAge;
        b.commandTimeout = commandTimeout;
        return b;
    }

    /** @return the backend, never null */
    public Backend backend() {
        return backend;
    }

    /** @return the SQLite file; meaningful when {@link #backend()} is {@link Backend#SQLITE} */
    public Path sqlitePath() {
        return sqlitePath;
    }

    /**
     * @return the Redis URL; meaningful when {@link #backend()} is {@link Backend#REDIS} and
     *     {@link #redisClusterSeeds()} is empty
     */
    public String redisUrl() {
        return redisUrl;
    }

    /**
     * @return the seeds of the Redis Cluster, as {@code redis://} or {@code rediss://} URIs (a {@code host:port} given
     *     to {@link #redisCluster(List)} becomes {@code redis://host:port}); empty for one Redis server; unmodifiable,
     *     never null
     */
    public List<String> redisClusterSeeds() {
        return redisClusterSeeds;
    }

    /** @return true for Redis Cluster storage: {@link Backend#REDIS} with seeds */
    public boolean isRedisCluster() {
        return backend == Backend.REDIS && !redisClusterSeeds.isEmpty();
    }

    /**
     * How many replicas must acknowledge each durable write before it counts as stored (Redis {@code WAIT}); 0 (the
     * default) waits for none. With {@code n > 0} every write a client may see the outcome of — an event appended,
     * a stream opened or closed, a session saved or its status changed, a sidecar write — is followed by
     * {@code WAIT n} on the connection to the master that took it (pipelined: one round trip), and fails with
     * {@link StoreException} (so the request gets 503) when fewer than {@code n} replicas acknowledge within
     * {@link #waitTimeout()}. So an event a client received survives the failover of that master to a replica
     * that acknowledged it. Touches of last-seen times and rate-limit takes do not wait. Redis only.
     *
     * @return 0 or more
     */
    public int waitReplicas() {
        return waitReplicas;
    }

    /**
     * @return the longest wait of {@code WAIT} for {@link #waitReplicas()} replicas; shorter than
     *     {@link #commandTimeout()}
     */
    public Duration waitTimeout() {
        return waitTimeout;
    }

    /** @return the prefix of every Redis key, without separator (keys look like {@code mcp:{sessionId}:...}) */
    public String redisKeyPrefix() {
        return redisKeyPrefix;
    }

    /** @return how long a session may stay idle before it expires; positive */
    public Duration sessionIdleTtl() {
        return sessionIdleTtl;
    }

    /** @return how many events one stream keeps at most; positive */
    public int maxEventsPerStream() {
        return maxEventsPerStream;
    }

    /** @return how old an event may get before it is trimmed; positive */
    public Duration eventMaxAge() {
        return eventMaxAge;
    }

    /**
     * How long a closed stream (a response stream once its response or its end is stored) stays replayable:
     * retention removes it whole, every event and position of it, once it was closed longer than this. A client
     * resumes a broken stream within seconds (the SSE {@code retry} and its backoff), so this bounds what a
     * long-lived session keeps to the calls of the last minutes rather than of {@link #eventMaxAge()}. Open streams
     * keep their events for {@link #eventMaxAge()}; a value above it changes nothing.
     *
     * @return positive; default {@link #DEFAULT_CLOSED_STREAM_MAX_AGE}
     */
    public Duration closedStreamMaxAge() {
        return closedStreamMaxAge;
    }

    /**
     * How long one store command may take before it fails with {@link StoreException}, so that a request meets a
     * store fault within about this time instead of hanging. Redis: the timeout of every command, Lua scripts
     * included, and of connecting; while Redis is unreachable commands fail at once rather than queue. SQLite: not
     * used (its writes wait for the local disk).
     *
     * @return the timeout; positive
     */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    @Override
    public String toString() {
        return switch (backend) {
            case SQLITE -> "sqlite:" + sqlitePath;
            case REDIS -> (isRedisCluster() ? "redis-cluster:" + String.join(",", redactedRedisClusterSeeds())
                    : "redis:" + redactedRedisUrl()) + (waitReplicas > 0 ? " wait=" + waitReplicas : "");
            case MEMORY -> "memory";
        };
    }

    /** @return the Redis URL with any password replaced by {@code ***}, for logs and banners */
    public String redactedRedisUrl() {
        return redisUrl == null ? null : redact(redisUrl);
    }

    /** @return the cluster seeds with any password replaced by {@code ***}, for logs and banners; never null */
    public List<String> redactedRedisClusterSeeds() {
        return redisClusterSeeds.stream().map(StorageConfig::redact).toList();
    }

    private static String redact(String url) {
        String userInfo = URI.create(url).getRawUserInfo();
        return userInfo == null ? url : url.replace(userInfo + "@", "***@");
    }

    /** Builds a {@link StorageConfig}; not thread-safe. */
    public static final class Builder {
        private Backend backend = Backend.SQLITE;
        private Path sqlitePath = DEFAULT_SQLITE_PATH;
        private String redisUrl = DEFAULT_REDIS_URL;
        private List<String> redisClusterSeeds = List.of();
        private int waitReplicas;
        private Duration waitTimeout = DEFAULT_WAIT_TIMEOUT;
        private String redisKeyPrefix = DEFAULT_REDIS_KEY_PREFIX;
        private Duration sessionIdleTtl = DEFAULT_SESSION_IDLE_TTL;
        private int maxEventsPerStream = DEFAULT_MAX_EVENTS_PER_STREAM;
        private Duration eventMaxAge = DEFAULT_EVENT_MAX_AGE;
        private Duration closedStreamMaxAge = DEFAULT_CLOSED_STREAM_MAX_AGE;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

        private Builder() {
        }

        /** @param backend the backend; not null */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend must not be null");
            return this;
        }

        /** @param path the SQLite file; not null */
        public Builder sqlitePath(Path path) {
            this.sqlitePath = Objects.requireNonNull(path, "sqlitePath must not be null");
            return this;
        }

        /** @param url a {@code redis://} or {@code rediss://} URL of one server (clears any cluster seeds); not null */
        public Builder redisUrl(String url) {
            Objects.requireNonNull(url, "redisUrl must not be null");
            if (!url.startsWith("redis://") && !url.startsWith("rediss://")
                    && !url.startsWith("redis-sentinel://")) {
                throw new IllegalArgumentException("redisUrl must start with redis://, rediss:// or "
                        + "redis-sentinel://, was: " + url);
            }
            this.redisUrl = url;
            this.redisClusterSeeds = List.of();
            return this;
        }

        /**
         * Makes Redis storage a Redis Cluster ({@link StorageConfig#redisCluster(List)}).
         *
         * @param seeds {@code host:port} or {@code redis://}/{@code rediss://} URIs; not null, not empty (to go back
         *              to one server, set {@link #redisUrl(String)})
         * @throws IllegalArgumentException when there is no seed or a seed is malformed
         */
        public Builder redisCluster(List<String> seeds) {
            Objects.requireNonNull(seeds, "redisCluster seeds must not be null");
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("redisCluster needs at least one seed host:port");
            }
            List<String> uris = new ArrayList<>(seeds.size());
            for (String seed : seeds) {
                uris.add(seedUri(seed));
            }
            this.redisClusterSeeds = List.copyOf(uris);
            return this;
        }

        private static String seedUri(String seed) {
            Objects.requireNonNull(seed, "a redisCluster seed must not be null");
            String s = seed.trim();
            if (s.startsWith("redis://") || s.startsWith("rediss://")) {
                return s;
            }
            int colon = s.lastIndexOf(':');
            boolean valid = colon > 0 && colon < s.length() - 1 && s.indexOf('/') < 0;
            if (valid) {
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    valid = port > 0 && port < 65536;
                } catch (NumberFormatException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw new IllegalArgumentException("a redisCluster seed must be host:port or a redis:// URI, was: '"
                        + seed + "'");
            }
            return "redis://" + s;
        }

        /**
         * Waits for replicas after every durable write ({@link StorageConfig#waitReplicas()}).
         *
         * @param replicas how many replicas must acknowledge; 0 turns it off
         * @param timeout  the longest wait; positive, shorter than the command timeout (checked by {@link #build()})
         */
        public Builder waitReplicas(int replicas, Duration timeout) {
            this.waitReplicas = Checks.atLeast(replicas, 0, "waitReplicas");
            this.waitTimeout = Checks.positive(timeout, "waitTimeout");
            return this;
        }

        /** @param prefix the key prefix; non-empty, no braces, no colon */
        public Builder redisKeyPrefix(String prefix) {
            Objects.requireNonNull(prefix, "redisKeyPrefix must not be null");
            if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}") || prefix.contains(":")) {
                throw new IllegalArgumentException(
                        "redisKeyPrefix must be non-empty without '{', '}' or ':', was: '" + prefix + "'");
            }
            this.redisKeyPrefix = prefix;
            return this;
        }

        /** @param ttl idle time after which a session expires; positive */
        public Builder sessionIdleTtl(Duration ttl) {
            this.sessionIdleTtl = Checks.positive(ttl, "sessionIdleTtl");
            return this;
        }

        /** @param max events kept per stream; at least 1 */
        public Builder maxEventsPerStream(int max) {
            this.maxEventsPerStream = Checks.atLeast(max, 1, "maxEventsPerStream");
            return this;
        }

        /** @param age age after which events are trimmed; positive */
        public Builder eventMaxAge(Duration age) {
            this.eventMaxAge = Checks.positive(age, "eventMaxAge");
            return this;
        }

        /**
         * @param age how long a closed stream stays replayable; positive, see
         *            {@link StorageConfig#closedStreamMaxAge()}
         */
        public Builder closedStreamMaxAge(Duration age) {
            this.closedStreamMaxAge = Checks.positive(age, "closedStreamMaxAge");
            return this;
        }

        /**
         * @param timeout longest wait for one store command; positive, see {@link StorageConfig#commandTimeout()}.
         *                Default {@link StorageConfig#DEFAULT_COMMAND_TIMEOUT}
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Checks.positive(timeout, "commandTimeout");
            return this;
        }

        /**
         * @return the immutable configuration
         * @throws IllegalArgumentException when replicas are awaited for as long as the command timeout or longer
         */
        public StorageConfig build() {
            if (waitReplicas > 0 && waitTimeout.compareTo(commandTimeout) >= 0) {
                throw new IllegalArgumentException("waitTimeout must be shorter than commandTimeout, was: "
                        + waitTimeout.toMillis() + " ms >= " + commandTimeout.toMillis() + " ms");
            }
            return new StorageConfig(this);
        }
    }
}
