package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;

/** The store contract on a real Redis, emptied before each test. */
class RedisSidecarStoreIT extends SidecarStoreContract {

    @BeforeEach
    void flushRedis() {
        RedisTestServer.flushAll();
    }

    @Override
    protected Storage openStorage(Clock clock) {
        return Storage.open(StorageConfig.redis(RedisTestServer.url()), clock);
    }
}
