package dev.mcpstate.store.redis;

import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestCluster;

/**
 * Marks a Redis test class that runs on the test JVM's Redis Cluster ({@link RedisTestCluster}) instead of its one
 * Redis: {@link EmptyRedisBeforeEach} then empties the cluster, and {@link #clusterConfig()} is its configuration.
 */
interface OnRedisCluster {

    /** @return Redis Cluster storage on the test cluster's seeds */
    default StorageConfig clusterConfig() {
        return StorageConfig.redisCluster(RedisTestCluster.seeds());
    }
}
