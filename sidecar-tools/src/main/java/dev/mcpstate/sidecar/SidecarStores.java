package dev.mcpstate.sidecar;

import dev.mcpstate.sidecar.redis.RedisSidecarStore;
import dev.mcpstate.sidecar.sqlite.SqliteSidecarStore;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;

import dev.mcpstate.store.redis.RedisDatabase;
import dev.mcpstate.store.sqlite.SqliteDatabase;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Opens the {@link SidecarStore} on the interceptor's storage: the same SQLite file or the same Redis, either
 * from a {@link StorageConfig} (own connection) or from an open {@link Storage} (shared connection).
 */
public final class SidecarStores {

    private SidecarStores() {
    }

    /**
     * Opens the sidecar store on the configured backend: tables {@code sidecar_*} in the SQLite file, or keys
     * under {@code <redisKeyPrefix>:sidecar:} in Redis.
     *
     * @param config the storage configuration shared with the session interceptor; not null
     * @param clock the time source for timestamps, TTLs and lease expiry ({@link Clock#systemUTC()} in
     *     production, a movable clock in tests); not null
     * @return an open, thread-safe store; the caller closes it
     * @throws StoreException when the backend cannot be opened or reached
     */
    public static SidecarStore open(StorageConfig config, Clock clock) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        return switch (config.backend()) {
            case SQLITE -> owning(SqliteDatabase.open(config.sqlitePath()), SqliteDatabase::close,
                    db -> SqliteSidecarStore.owning(db, clock));
            case REDIS -> owning(RedisDatabase.open(config), RedisDatabase::close,
                    db -> RedisSidecarStore.owning(db, clock));
        };
    }

    /** Hands a freshly opened connection to a store, closing it again when the store cannot be created. */
    private static <D> SidecarStore owning(D db, Consumer<D> close, Function<D, SidecarStore> store) {
        try {
            return store.apply(db);
        } catch (RuntimeException e) {
            try {
                close.accept(db);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A sidecar store on the connection of the session interceptor's open storage, so one process keeps one
     * SQLite connection or one Redis connection. Closing the returned store leaves {@code storage} open; close
     * the storage after the store.
     *
     * @param storage the interceptor's open storage; not null
     * @return a thread-safe store using {@link Storage#clock()}
     * @throws StoreException when the sidecar tables cannot be created
     */
    public static SidecarStore on(Storage storage) {
        Objects.requireNonNull(storage, "storage must not be null");
        return storage.sqliteDatabase() != null
                ? SqliteSidecarStore.on(storage.sqliteDatabase(), storage.clock())
                : RedisSidecarStore.on(storage.redisDatabase(), storage.clock());
    }
}
