package dev.mcpstate.store.redis;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.StorageBackend;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The Redis backend: sessions as hashes, events in Redis Streams, the sidecar's state in hashes and sorted sets,
 * the cluster bus on pub/sub plus heartbeat keys — every key in {@link RedisKeys}. Many nodes share one Redis;
 * every node serves every session.
 *
 * <p>Thread-safe: one multiplexed connection shared by all stores. Open it through
 * {@link dev.mcpstate.store.Storage#open(StorageConfig, Clock)} with {@link StorageConfig#redis(String)}.
 */
public final class RedisBackend implements StorageBackend {

    private final RedisDatabase db;
    private final RedisSessionStore sessions;
    private final RedisEventStore events;
    private final RedisSidecarStore sidecar;

    private RedisBackend(RedisDatabase db, StorageConfig config, Clock clock) {
        this.db = db;
        this.sessions = new RedisSessionStore(db);
        this.sidecar = new RedisSidecarStore(db, clock);
        this.events = new RedisEventStore(db, clock, config.maxEventsPerStream());
    }

    /**
     * Connects to the Redis of a configuration.
     *
     * @param config the configuration; not null
     * @param clock  the clock of every time the stores record; not null
     * @return the open backend
     * @throws StoreException when Redis cannot be reached
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
    public String name() {
        return "redis";
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public EventStore events() {
        return events;
    }

    @Override
    public SidecarStore sidecar() {
        return sidecar;
    }

    @Override
    public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
        return new RedisClusterBus(db, owner, heartbeatInterval, deadAfter);
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
