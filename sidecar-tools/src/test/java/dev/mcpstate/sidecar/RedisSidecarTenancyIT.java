package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;

/** The tenancy contract on a real Redis, emptied before each test. */
class RedisSidecarTenancyIT extends SidecarTenancyContract {

    @BeforeEach
    void flushRedis() {
        RedisTestServer.flushAll();
    }

    @Override
    protected Storage openStorage(Clock clock) {
        return Storage.open(StorageConfig.redis(RedisTestServer.url()), clock);
    }
}
