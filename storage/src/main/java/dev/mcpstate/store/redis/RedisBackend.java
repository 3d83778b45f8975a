package dev.mcpstate.store.redis;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.internal.BaseBackend;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The Redis backend: sessions as hashes, events in Redis Streams, the sidecar's state in hashes and sorted sets,
 * rate-limit token buckets in hashes, the cluster bus on pub/sub plus heartbeat keys — every key in {@link RedisKeys}.
 * Many nodes share one Redis, or one Redis Cluster ({@link StorageConfig#redisCluster(java.util.List)}: the same keys,
 * every script on one hash slot, Lettuce's cluster client following redirects and failovers); every node serves every
 * session. With {@link StorageConfig#waitReplicas()} durable writes wait for replicas ({@code WAIT}).
 *
 * <p>Fails fast: commands time out after {@link StorageConfig#commandTimeout()}, are rejected while Redis is
 * unreachable, and a circuit breaker fails every call at once while Redis is known down, probing it again every
 * second; reconnecting and resubscribing need no restart.
 *
 * <p>Thread-safe: one multiplexed connection shared by all stores (plus one for the writes that wait for replicas).
 * Open it through {@link dev.mcpstate.store.Storage#open(StorageConfig, Clock)} with {@link StorageConfig#redis(String)}
 * or {@link StorageConfig#redisCluster(java.util.List)}.
 */
public final class RedisBackend extends BaseBackend {

    private final RedisDatabase db;
    private final RedisRateLimitStore rateLimits;
    private final RedisRequestStateLedger requestStates;

    private RedisBackend(RedisDatabase db, StorageConfig config, Clock clock) {
        super("redis", true, new RedisSessionStore(db), new RedisEventStore(db, clock, config.maxEventsPerStream()),
                new RedisSidecarStore(db, clock));
        this.db = db;
        this.rateLimits = new RedisRateLimitStore(db, clock);
        this.requestStates = new RedisRequestStateLedger(db, clock);
    }

    /**
     * Connects to the Redis of a configuration.
     *
     * @param config the configuration; not null
     * @param clock  the clock of every time the stores record; not null
     * @return the open backend
     * @throws StoreException when Redis cannot be reached, or a cluster's servers are older than Redis 7
     */
    public static RedisBackend open(StorageConfig config, Clock clock) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        return new RedisBackend(RedisDatabase.open(config), config, clock);
    }

    /** @return the shared connection, for tests in this package */
    RedisDatabase database() {
        return db;
    }

    @Override
    public RateLimitStore rateLimits() {
        return rateLimits;
    }

    @Override
    public RequestStateLedger requestStates() {
        return requestStates;
    }

    @Override
    public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
        return new RedisClusterBus(db, owner, heartbeatInterval, deadAfter);
    }

    /** @return false while the circuit breaker fails every call at once (Redis unreachable or not answering) */
    @Override
    public boolean available() {
        return db.available();
    }

    /** Sends {@code PING} and waits up to the command timeout. */
    @Override
    public void check() {
        db.ping();
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "RedisBackend[" + db.description() + "]";
    }
}
