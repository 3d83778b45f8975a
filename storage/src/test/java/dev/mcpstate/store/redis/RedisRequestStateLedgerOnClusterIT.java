package dev.mcpstate.store.redis;

import dev.mcpstate.store.StorageConfig;

/** The requestState ledger contract, and the Redis-specific check, on a real Redis Cluster (3 masters, 3 replicas). */
class RedisRequestStateLedgerOnClusterIT extends RedisRequestStateLedgerIT implements OnRedisCluster {

    @Override
    protected StorageConfig config() {
        return clusterConfig();
    }
}
