package dev.mcpstate.examples;

import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example server refuses an anonymous sidecar_reset unless started with --allow-reset. */
class SidecarResetIT {

    @TempDir
    Path dir;

    @Test
    void anAnonymousResetNeedsAllowReset() throws Exception {
        String db = dir.resolve("state.db").toString();
        try (McpStateServer server = McpStateServer.start(ServerOptions.parse(
                new String[] {"--port", "0", "--db", db}, Map.of()))) {
            McpSchema.CallToolResult refused = call(server, "sidecar_reset");
            assertThat(refused.isError()).isTrue();
            assertThat(((McpSchema.TextContent) refused.content().get(0)).text()).contains("refused");
        }
        try (McpStateServer server = McpStateServer.start(ServerOptions.parse(
                new String[] {"--port", "0", "--db", db}, Map.of("MCP_STATE_ALLOW_RESET", "true")))) {
            McpSchema.CallToolResult reset = call(server, "sidecar_reset");
            assertThat(reset.isError()).isNotEqualTo(Boolean.TRUE);
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) reset.structuredContent();
            assertThat(result).containsEntry("scope", "anonymous");
        }
    }

    private static McpSchema.CallToolResult call(McpStateServer server, String tool) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://" + server.uri().getAuthority()).endpoint(McpStateServer.ENDPOINT).build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        try {
            client.initialize();
            return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(Map.of()).build());
        } finally {
            client.closeGracefully();
        }
    }
}
