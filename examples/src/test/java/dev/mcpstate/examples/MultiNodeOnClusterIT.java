package dev.mcpstate.examples;

import dev.mcpstate.testing.RedisTestCluster;

import java.util.List;

/**
 * {@link MultiNodeIT} on a real Redis Cluster (3 masters, 3 replicas): three nodes behind the load balancer, every
 * write waiting for one replica ({@code --redis-wait-replicas 1}) — rotation, listening streams and response streams
 * resumed across nodes, a killed node, elicitation and sampling answered on another node, DELETE everywhere,
 * concurrent first requests.
 */
class MultiNodeOnClusterIT extends MultiNodeIT {

    @Override
    protected List<String> storeArgs() {
        return List.of("--redis-cluster", RedisTestCluster.seedList(), "--redis-wait-replicas", "1");
    }

    @Override
    protected void emptyStore() {
        RedisTestCluster.flushAll();
    }
}
