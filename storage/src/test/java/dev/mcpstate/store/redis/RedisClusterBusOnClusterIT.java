package dev.mcpstate.store.redis;

import dev.mcpstate.store.StorageConfig;

/**
 * The cluster bus between two nodes on a real Redis Cluster: wake-ups over sharded pub/sub on each session's slot,
 * routed responses over sharded pub/sub, session ends and changes broadcast, heartbeat keys.
 */
class RedisClusterBusOnClusterIT extends RedisClusterBusIT implements OnRedisCluster {

    @Override
    protected StorageConfig config() {
        return clusterConfig();
    }
}
