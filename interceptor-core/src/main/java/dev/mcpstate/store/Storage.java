package dev.mcpstate.store;

import dev.mcpstate.store.redis.RedisDatabase;
import dev.mcpstate.store.redis.RedisEventStore;
import dev.mcpstate.store.redis.RedisSessionStore;
import dev.mcpstate.store.sqlite.SqliteDatabase;
import dev.mcpstate.store.sqlite.SqliteEventStore;
import dev.mcpstate.store.sqlite.SqliteSessionStore;
import io.lettuce.core.RedisClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The open storage of one node: the {@link SessionStore} and {@link EventStore} of the backend a
 * {@link StorageConfig} chooses, sharing one connection resource (one {@link SqliteDatabase} or one
 * {@link RedisDatabase}), which other components such as the sidecar tools can reuse through
 * {@link #sqliteDatabase()} and {@link #redisDatabase()}.
 *
 * <pre>{@code
 * try (Storage storage = Storage.open(StorageConfig.sqlite(Path.of("state.db")), Clock.systemUTC())) {
 *     storage.sessions().find(sessionId);
 * }
 * }</pre>
 *
 * <p>Thread-safe. The stores' own {@code close()} methods do nothing; {@link #close()} releases the shared
 * resource.
 */
public final class Storage implements AutoCloseable {

    private final StorageConfig config;
    private final Clock clock;
    private final SessionStore sessions;
    private final EventStore events;
    private final SqliteDatabase sqlite;
    private final RedisDatabase redis;

    private Storage(StorageConfig config, Clock clock, SqliteDatabase sqlite, RedisDatabase redis) {
        this.config = config;
        this.clock = clock;
        this.sqlite = sqlite;
        this.redis = redis;
        if (sqlite != null) {
            this.sessions = new SqliteSessionStore(sqlite);
            this.events = new SqliteEventStore(sqlite, clock, config.maxEventsPerStream());
        } else {
            this.sessions = new RedisSessionStore(redis);
            this.events = new RedisEventStore(redis, clock, config.maxEventsPerStream());
        }
    }

    /**
     * Opens the backend a configuration chooses: creates the SQLite file and schema, or connects to Redis.
     *
     * @param config where and how long to keep state; not null
     * @param clock  the source of every time the stores record themselves (event and stream times); not null
     * @return the open storage; close it when done
     * @throws StoreException when the backend cannot be opened
     */
    public static Storage open(StorageConfig config, Clock clock) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        return switch (config.backend()) {
            case SQLITE -> new Storage(config, clock, SqliteDatabase.open(config.sqlitePath()), null);
            case REDIS -> new Storage(config, clock, null, RedisDatabase.open(config));
        };
    }

    /** @return the session store; never null */
    public SessionStore sessions() {
        return sessions;
    }

    /** @return the event store; never null */
    public EventStore events() {
        return events;
    }

    /** @return the configuration this storage was opened with; never null */
    public StorageConfig config() {
        return config;
    }

    /** @return the clock the stores use; never null */
    public Clock clock() {
        return clock;
    }

    /** @return the shared SQLite database, or null when the backend is Redis */
    public SqliteDatabase sqliteDatabase() {
        return sqlite;
    }

    /** @return the absolute path of the SQLite file, or null when the backend is Redis */
    public Path sqlitePath() {
        return sqlite == null ? null : sqlite.path();
    }

    /** @return the shared Redis (client, connection, key layout), or null when the backend is SQLite */
    public RedisDatabase redisDatabase() {
        return redis;
    }

    /** @return the shared Lettuce client, or null when the backend is SQLite */
    public RedisClient redisClient() {
        return redis == null ? null : redis.client();
    }

    /** Closes both stores and the shared connection resource. Idempotent. */
    @Override
    public void close() {
        sessions.close();
        events.close();
        if (sqlite != null) {
            sqlite.close();
        } else {
            redis.close();
        }
    }

    @Override
    public String toString() {
        return "Storage[" + config + "]";
    }
}
