package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.store.internal.Json;

import dev.mcpstate.examples.server.McpStateServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server stopped and started again on the same store keeps serving its sessions under the same
 * {@code Mcp-Session-Id}; a DELETEd session answers 404, before and after a restart.
 */
class RestartIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sessionContinuesWithTheSameIdAfterARestart(Backend backend) throws Exception {
        backend.reset();
        McpHttpClient client;
        String sessionId;
        try (McpStateServer first = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"))) {
            client = Clients.session(first.uri());
            sessionId = client.sessionId();
            assertThat(client.callTool("whoami", "{}").at("/result/content/0/text").asText())
                    .isEqualTo("session=" + sessionId + " node=node-a");
        }
        try (McpStateServer second = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"))) {
            McpHttpClient again = new McpHttpClient(second.uri());
            again.adopt(sessionId);
            assertThat(again.callTool("whoami", "{}").at("/result/content/0/text").asText())
                    .isEqualTo("session=" + sessionId + " node=node-a");
            assertThat(again.callTool("echo", "{\"text\":\"still here\"}").at("/result/content/0/text").asText())
                    .isEqualTo("still here");

            McpHttpClient.Response deleted = again.delete();
            assertThat(deleted.status()).isEqualTo(200);
            McpHttpClient.Response after = again.post(McpHttpClient.toolCall(4, "echo", "{\"text\":\"x\"}", null),
                    java.util.Map.of());
            assertThat(after.status()).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(after.text()).at("/error/code").asInt()).isEqualTo(-32001);
        }
        try (McpStateServer third = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"))) {
            McpHttpClient closed = new McpHttpClient(third.uri());
            closed.adopt(sessionId);
            assertThat(closed.post(McpHttpClient.toolCall(5, "echo", "{\"text\":\"x\"}", null), java.util.Map.of())
                    .status()).isEqualTo(404);
            assertThat(closed.get(null).status()).isEqualTo(404);
            assertThat(closed.delete().status()).isEqualTo(404);
        }
    }
}
