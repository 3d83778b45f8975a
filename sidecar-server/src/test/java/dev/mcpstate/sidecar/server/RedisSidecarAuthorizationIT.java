package dev.mcpstate.sidecar.server;

import dev.mcpstate.testing.RedisTestServer;

import java.util.Map;

class RedisSidecarAuthorizationIT extends SidecarAuthorizationContract {

    @Override
    protected void resetBackend() {
        RedisTestServer.flushAll();
    }

    @Override
    protected Map<String, String> backendEnvironment() {
        return Map.of("STATE_BACKEND", "redis", "REDIS_URL", RedisTestServer.url());
    }
}
