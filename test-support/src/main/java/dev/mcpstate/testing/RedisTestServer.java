package dev.mcpstate.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;

/**
 * A real Redis for integration tests, one per test JVM, found in this order:
 * <ol>
 *   <li>{@code REDIS_URL} (environment variable or system property) when set: the tests own that server
 *       and {@link #flushAll()} wipes it;</li>
 *   <li>{@code redis-server} on the {@code PATH}: started on a free loopback port without persistence and
 *       stopped when the JVM exits;</li>
 *   <li>Testcontainers ({@code redis:7-alpine}) when a Docker engine is reachable;</li>
 *   <li>otherwise {@link #url()} throws {@link IllegalStateException} saying how to get Redis. Tests never
 *       skip silently.</li>
 * </ol>
 * Thread-safe; the server is started lazily on the first call to {@link #url()}. It is never stopped while the
 * JVM runs: a test that takes Redis away starts a {@link RedisProcess} of its own.
 */
public final class RedisTestServer {

    private static final Object LOCK = new Object();
    private static String url;

    private RedisTestServer() {
    }

    /**
     * Returns the Redis URL for this test JVM, starting a server on first use.
     *
     * @return a {@code redis://host:port} URL, never null
     * @throws IllegalStateException when no Redis can be found or started
     */
    public static String url() {
        synchronized (LOCK) {
            if (url == null) {
                url = locate();
            }
            return url;
        }
    }

    /** Deletes every key of every database of the test Redis, so a test starts from an empty server. */
    public static void flushAll() {
        RedisClient client = RedisClient.create(url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().flushall();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static String locate() {
        String configured = System.getProperty("REDIS_URL", System.getenv("REDIS_URL"));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String binary = findOnPath("redis-server");
        if (binary != null) {
            return startLocal(binary);
        }
        String container = TestcontainersRedis.tryStart();
        if (container != null) {
            return container;
        }
        throw new IllegalStateException("No Redis for the integration tests: set REDIS_URL=redis://host:port, "
                + "or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), "
                + "or run a Docker engine for Testcontainers.");
    }

    private static String findOnPath(String name) {
        return RedisProcess.findOnPath(name);
    }

    private static String startLocal(String binary) {
        return RedisProcess.launch(binary, false).url(); // killed by its shutdown hook when the JVM exits
    }
}
