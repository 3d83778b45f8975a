package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestCluster;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;

/**
 * Tenant isolation on a real Redis Cluster (3 masters, 3 replicas), emptied before each test: every tenant's
 * keys in one hash slot, every script on that slot, the tenant registry in bucket keys.
 */
class RedisSidecarTenancyOnClusterIT extends SidecarTenancyContract {

    @BeforeEach
    void flushCluster() {
        RedisTestCluster.flushAll();
    }

    @Override
    protected Storage openStorage(Clock clock) {
        return Storage.open(StorageConfig.redisCluster(RedisTestCluster.seeds()), clock);
    }
}
