package dev.mcpstate.store.redis;

import dev.mcpstate.store.StorageConfig;

/** The rate-limit contract, and the Redis-specific checks, on a real Redis Cluster (3 masters, 3 replicas). */
class RedisRateLimitStoreOnClusterIT extends RedisRateLimitStoreIT implements OnRedisCluster {

    @Override
    protected StorageConfig config() {
        return clusterConfig();
    }
}
