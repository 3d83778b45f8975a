package dev.mcpstate.testing;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A real Redis Cluster for integration tests, one per test JVM (so one per module's test run), found in this order:
 * <ol>
 *   <li>{@code REDIS_CLUSTER} (environment variable or system property), comma-separated {@code host:port} seeds,
 *       when set: the tests own that cluster and {@link #flushAll()} wipes it;</li>
 *   <li>otherwise a local {@link RedisClusterProcess} of 3 masters and 3 replicas, started on first use and killed
 *       when the JVM exits.</li>
 * </ol>
 * Tests that kill or fail over nodes start a {@link RedisClusterProcess} of their own instead. Thread-safe.
 */
public final class RedisTestCluster {

    private static final Object LOCK = new Object();
    private static List<String> seeds;

    private RedisTestCluster() {
    }

    /**
     * @return the cluster's seeds, {@code host:port} each, never empty
     * @throws IllegalStateException when no cluster can be found or started
     */
    public static List<String> seeds() {
        synchronized (LOCK) {
            if (seeds == null) {
                String configured = System.getProperty("REDIS_CLUSTER", System.getenv("REDIS_CLUSTER"));
                seeds = configured != null && !configured.isBlank()
                        ? Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                        : RedisClusterProcess.launch().seeds(); // killed by its nodes' shutdown hooks
            }
            return seeds;
        }
    }

    /** @return {@link #seeds()} joined by commas, as {@code --redis-cluster} and {@code REDIS_CLUSTER} take them */
    public static String seedList() {
        return String.join(",", seeds());
    }

    /** Deletes every key on every master of the test cluster, so a test starts from an empty cluster. */
    public static void flushAll() {
        RedisClusterClient client = RedisClusterClient.create(seeds().stream().map(seed -> {
            int colon = seed.lastIndexOf(':');
            return RedisURI.create(seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1)));
        }).toList());
        try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            connection.sync().flushall(); // Lettuce runs it on every master
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
