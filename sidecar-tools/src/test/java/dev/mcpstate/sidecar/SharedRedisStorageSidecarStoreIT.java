package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The store contract on the session interceptor's open Redis storage (one shared connection). */
class SharedRedisStorageSidecarStoreIT extends SidecarStoreContract {

    private final List<Storage> storages = new ArrayList<>();

    @BeforeEach
    void flushRedis() {
        RedisTestServer.flushAll();
    }

    @Override
    protected SidecarStore openStore(Clock clock) {
        Storage storage = Storage.open(StorageConfig.redis(RedisTestServer.url()), clock);
        storages.add(storage);
        return SidecarStores.on(storage);
    }

    @AfterEach
    void closeStorages() {
        storages.forEach(Storage::close);
    }
}
