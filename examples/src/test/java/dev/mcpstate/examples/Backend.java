package dev.mcpstate.examples;

import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.testing.RedisTestServer;

import java.nio.file.Path;
import java.util.Map;

/** The two storage backends the integration tests run against. */
enum Backend {
    SQLITE, REDIS;

    /** @return server options on this backend: loopback, a free port, the given SQLite file or the test Redis */
    ServerOptions options(Path sqliteFile, String nodeId) {
        String[] args = this == SQLITE
                ? new String[] {"--port", "0", "--store", "sqlite", "--db", sqliteFile.toString(), "--node-id", nodeId}
                : new String[] {"--port", "0", "--store", "redis", "--redis-url", RedisTestServer.url(), "--node-id",
                    nodeId};
        return ServerOptions.parse(args, Map.of());
    }

    /** Prepares an empty store. */
    void reset() {
        if (this == REDIS) {
            RedisTestServer.flushAll();
        }
    }
}
