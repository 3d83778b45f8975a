package dev.mcpstate.store;

import dev.mcpstate.store.internal.Checks;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how long mcp-state keeps its state: one SQLite file, one Redis, or this process's memory, shared by
 * the session filter and the sidecar tools.
 *
 * <p>Immutable and thread-safe. Build with {@link #sqlite(Path)}, {@link #redis(String)} or {@link #inMemory()}, then adjust
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
    /** Default prefix of every Redis key written by mcp-state. */
    public static final String DEFAULT_REDIS_KEY_PREFIX = "mcp";
    /** Default longest wait for one store command (and for connecting to Redis): 2 seconds. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    /** The storage backends. */
    public enum Backend {
        /** One embedded SQLite file (WAL mode); one node; survives restarts. */
        SQLITE,
        /** One Redis (sessions as hashes, events in Redis Streams); many nodes. */
        REDIS,
        /** In this process's memory: one node, lost on exit. For tests of servers built on mcp-state. */
        MEMORY
    }

    private final Backend backend;
    private final Path sqlitePath;
    private final String redisUrl;
    private final String redisKeyPrefix;
    private final Duration sessionIdleTtl;
    private final int maxEventsPerStream;
    private final Duration eventMaxAge;
    private final Duration commandTimeout;

    private StorageConfig(Builder b) {
        this.backend = b.backend;
        this.sqlitePath = b.sqlitePath;
        this.redisUrl = b.redisUrl;
        this.redisKeyPrefix = b.redisKeyPrefix;
        this.sessionIdleTtl = b.sessionIdleTtl;
        this.maxEventsPerStream = b.maxEventsPerStream;
        this.eventMaxAge = b.eventMaxAge;
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
        b.redisKeyPrefix = redisKeyPrefix;
        b.sessionIdleTtl = sessionIdleTtl;
        b.maxEventsPerStream = maxEventsPerStream;
        b.eventMaxAge = eventMaxAge;
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

    /** @return the Redis URL; meaningful when {@link #backend()} is {@link Backend#REDIS} */
    public String redisUrl() {
        return redisUrl;
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
            case REDIS -> "redis:" + redactedRedisUrl();
            case MEMORY -> "memory";
        };
    }

    /** @return the Redis URL with any password replaced by {@code ***}, for logs and banners */
    public String redactedRedisUrl() {
        if (redisUrl == null) {
            return null;
        }
        URI uri = URI.create(redisUrl);
        String userInfo = uri.getRawUserInfo();
        return userInfo == null ? redisUrl : redisUrl.replace(userInfo + "@", "***@");
    }

    /** Builds a {@link StorageConfig}; not thread-safe. */
    public static final class Builder {
        private Backend backend = Backend.SQLITE;
        private Path sqlitePath = DEFAULT_SQLITE_PATH;
        private String redisUrl = DEFAULT_REDIS_URL;
        private String redisKeyPrefix = DEFAULT_REDIS_KEY_PREFIX;
        private Duration sessionIdleTtl = DEFAULT_SESSION_IDLE_TTL;
        private int maxEventsPerStream = DEFAULT_MAX_EVENTS_PER_STREAM;
        private Duration eventMaxAge = DEFAULT_EVENT_MAX_AGE;
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

        /** @param url a {@code redis://} or {@code rediss://} URL; not null */
        public Builder redisUrl(String url) {
            Objects.requireNonNull(url, "redisUrl must not be null");
            if (!url.startsWith("redis://") && !url.startsWith("rediss://")
                    && !url.startsWith("redis-sentinel://")) {
                throw new IllegalArgumentException("redisUrl must start with redis://, rediss:// or "
                        + "redis-sentinel://, was: " + url);
            }
            this.redisUrl = url;
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
         * @param timeout longest wait for one store command; positive, see {@link StorageConfig#commandTimeout()}.
         *                Default {@link StorageConfig#DEFAULT_COMMAND_TIMEOUT}
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Checks.positive(timeout, "commandTimeout");
            return this;
        }

        /** @return the immutable configuration */
        public StorageConfig build() {
            return new StorageConfig(this);
        }
    }
}
