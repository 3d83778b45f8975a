package dev.mcpstate.examples;

import dev.mcpstate.examples.server.McpStateServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The MCP Java SDK's own client works through the filter, unchanged, on both backends. */
class SdkClientIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void officialJavaClientInitializesListsAndCallsToolsThroughTheFilter(Backend backend) throws Exception {
        backend.reset();
        try (McpStateServer server = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"))) {
            List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                    .builder("http://" + server.uri().getAuthority()).endpoint(McpStateServer.ENDPOINT).build();
            McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                    .progressConsumer(progress::add).build();
            try {
                McpSchema.InitializeResult init = client.initialize();
                assertThat(init.serverInfo().name()).isEqualTo("mcp-state-example");
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                        .contains("echo", "slow_count", "whoami");

                McpSchema.CallToolResult echo = client.callTool(McpSchema.CallToolRequest.builder("echo")
                        .arguments(Map.of("text", "through the filter")).build());
                assertThat(((McpSchema.TextContent) echo.content().get(0)).text()).isEqualTo("through the filter");

                McpSchema.CallToolResult counted = client.callTool(McpSchema.CallToolRequest.builder("slow_count")
                        .arguments(Map.of("count", 5, "interval_ms", 0))
                        .progressToken("sdk-progress").build());
                assertThat(((McpSchema.TextContent) counted.content().get(0)).text()).isEqualTo("counted 5");
                // the SDK client hands notifications to consumers on its own threads: after the result, and in any
                // order (the wire order is checked by the raw-HTTP tests)
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(progress)
                        .extracting(p -> p.progress().intValue()).containsExactlyInAnyOrder(1, 2, 3, 4, 5));

                String sessionLine = ((McpSchema.TextContent) client.callTool(
                        McpSchema.CallToolRequest.builder("whoami").arguments(Map.of()).build()).content().get(0))
                        .text();
                String sessionId = sessionLine.substring("session=".length(), sessionLine.indexOf(' '));
                assertThat(server.state().storage().sessions().find(sessionId)).isPresent();
            } finally {
                client.closeGracefully();
            }
        }
    }
}
