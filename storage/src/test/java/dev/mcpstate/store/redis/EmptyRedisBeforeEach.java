package dev.mcpstate.store.redis;

import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Starts every test from an empty test Redis ({@link RedisTestServer#flushAll()}). */
final class EmptyRedisBeforeEach implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        RedisTestServer.flushAll();
    }
}
