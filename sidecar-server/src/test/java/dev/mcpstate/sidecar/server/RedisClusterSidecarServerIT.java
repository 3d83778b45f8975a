package dev.mcpstate.sidecar.server;

import dev.mcpstate.testing.RedisTestCluster;

import java.util.Map;

/** The standalone sidecar over HTTP on a real Redis Cluster, configured by {@code REDIS_CLUSTER} alone. */
class RedisClusterSidecarServerIT extends SidecarServerContract {

    @Override
    protected void resetBackend() {
        RedisTestCluster.flushAll();
    }

    @Override
    protected Map<String, String> backendEnvironment() {
        return Map.of("REDIS_CLUSTER", RedisTestCluster.seedList());
    }

    @Override
    protected String backendName() {
        return "redis";
    }
}
