package dev.mcpstate.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

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
 * Thread-safe; the server is started lazily on the first call to {@link #url()}.
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
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String startLocal(String binary) {
        try {
            Path dir = Files.createTempDirectory("mcp-state-redis");
            int port = FreePort.find();
            Process process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--protected-mode", "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.destroy();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "redis-test-server-stop"));
            awaitPort(port, process, dir.resolve("redis.log"));
            return "redis://127.0.0.1:" + port;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + binary + ": " + e.getMessage(), e);
        }
    }

    private static void awaitPort(int port, Process process, Path log) throws IOException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(log).toLowerCase(Locale.ROOT));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for redis-server", e);
                }
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port + " within 20 s");
    }
}
