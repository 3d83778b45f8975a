package dev.mcpstate.store.redis;

import dev.mcpstate.testing.RedisTestCluster;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts every test from an empty test Redis ({@link RedisTestServer#flushAll()}), or an empty test cluster
 * ({@link RedisTestCluster#flushAll()}) for test classes {@link OnRedisCluster}.
 */
final class EmptyRedisBeforeEach implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        if (context.getRequiredTestInstance() instanceof OnRedisCluster) {
            RedisTestCluster.flushAll();
        } else {
            RedisTestServer.flushAll();
        }
    }
}
