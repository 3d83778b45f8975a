package dev.mcpstate.testing;

/**
 * The optional Testcontainers path of {@link RedisTestServer}: used only when Testcontainers is on the class
 * path and a Docker engine answers.
 */
final class TestcontainersRedis {

    private TestcontainersRedis() {
    }

    /** Returns a Redis URL of a started container, or null when Testcontainers or Docker is not available. */
    static String tryStart() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory");
        } catch (ClassNotFoundException absent) {
            return null;
        }
        return Started.start();
    }

    /** Loaded only once the Testcontainers classes are known to be present. */
    private static final class Started {
        static String start() {
            if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
            @SuppressWarnings("resource") // stopped by Testcontainers' Ryuk when the JVM exits
            org.testcontainers.containers.GenericContainer<?> redis =
                    new org.testcontainers.containers.GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
            redis.start();
            return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
        }
    }
}
