package dev.mcpstate.examples.wrap;

import dev.mcpstate.examples.client.McpHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's wrapped server runs: it answers through the filter, and its session outlives a restart. */
class WrappedServerIT {

    @TempDir
    Path dir;

    @Test
    void theReadmesServerKeepsASessionAcrossARestart() throws Exception {
        Path db = dir.resolve("mcp-state.db");
        String session;
        int port;
        try (WrappedServer server = new WrappedServer(0, db, List.of())) {
            port = server.port();
            McpHttpClient client = new McpHttpClient(URI.create("http://127.0.0.1:" + port + "/mcp"))
                    .open("readme-client", "{}");
            session = client.sessionId();
            assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").finalResponse(2)
                    .has("result")).isTrue();
        }
        try (WrappedServer again = new WrappedServer(port, db, List.of())) {
            McpHttpClient client = new McpHttpClient(URI.create("http://127.0.0.1:" + port + "/mcp"));
            client.adopt(session);
            McpHttpClient.Response ping = client.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            assertThat(ping.node()).isEqualTo("node-1");
            assertThat(ping.finalResponse(3).has("result")).as("the session lives on after the restart").isTrue();
        }
    }
}
