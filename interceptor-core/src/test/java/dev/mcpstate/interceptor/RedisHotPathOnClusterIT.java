package dev.mcpstate.interceptor;

import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RedisHotPathIT} on a real Redis Cluster: a warm call is still exactly one {@code EVALSHA}, sent to the
 * master of the session's hash slot, and nothing else reaches any master; a DELETE on one node is still a 404 on the
 * next request of another.
 */
class RedisHotPathOnClusterIT extends RedisHotPathIT {

    @Override
    protected StorageConfig store() {
        return StorageConfig.redisCluster(RedisTestCluster.seeds());
    }

    @Override
    protected List<URI> monitored() {
        RedisClusterClient client = RedisClusterClient.create(RedisTestCluster.seeds().stream()
                .map(seed -> RedisURI.create("redis://" + seed)).toList());
        try {
            List<URI> masters = new ArrayList<>();
            for (RedisClusterNode node : client.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
                    masters.add(URI.create("redis://" + node.getUri().getHost() + ":" + node.getUri().getPort()));
                }
            }
            return masters;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
