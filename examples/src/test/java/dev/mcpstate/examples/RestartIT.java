package dev.mcpstate.examples;

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
        McpHttp client;
        String sessionId;
        try (McpStateServer first = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"))) {
            client = new McpHttp(first.uri()).open();
            sessionId = client.sessionId;
            assertThat(client.callTool(1, "whoami", "{}").at("/result/content/0/text").asText())
                    .isEqualTo("session=" + sessionId + " node=node-a");
        }
        try (McpStateServer second = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"))) {
            McpHttp again = new McpHttp(second.uri());
            again.sessionId = sessionId;
            assertThat(again.callTool(2, "whoami", "{}").at("/result/content/0/text").asText())
                    .isEqualTo("session=" + sessionId + " node=node-a");
            assertThat(again.callTool(3, "echo", "{\"text\":\"still here\"}").at("/result/content/0/text").asText())
                    .isEqualTo("still here");

            HttpResponse<String> deleted = again.delete();
            assertThat(deleted.statusCode()).isEqualTo(200);
            HttpResponse<String> after = again.post(McpHttp.toolCall(4, "echo", "{\"text\":\"x\"}", null),
                    java.util.Map.of());
            assertThat(after.statusCode()).isEqualTo(404);
            assertThat(McpHttp.JSON.readTree(after.body()).at("/error/code").asInt()).isEqualTo(-32001);
        }
        try (McpStateServer third = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"))) {
            McpHttp closed = new McpHttp(third.uri());
            closed.sessionId = sessionId;
            assertThat(closed.post(McpHttp.toolCall(5, "echo", "{\"text\":\"x\"}", null), java.util.Map.of())
                    .statusCode()).isEqualTo(404);
            assertThat(closed.getString(null).statusCode()).isEqualTo(404);
            assertThat(closed.delete().statusCode()).isEqualTo(404);
        }
    }
}
