package dev.mcpstate.springexample;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring Boot example jar stopped and started again on the same SQLite file keeps serving its sessions under
 * the same {@code Mcp-Session-Id}, and a response stream cut before the restart resumes after it with
 * {@code Last-Event-ID}.
 */
class SpringRestartIT {

    @TempDir
    Path dir;
    private Jars jars;

    @AfterEach
    void stopJars() {
        if (jars != null) {
            jars.close();
        }
    }

    @Test
    void sessionAndCutStreamSurviveARestart() throws Exception {
        jars = new Jars(dir);
        String db = "--mcp-state.db=" + dir.resolve("state.db");
        Jars.Running first = jars.server(db, "--mcp-state.node-id=spring-a");
        McpHttpClient client = new McpHttpClient(first.url()).open();
        String sessionId = client.sessionId();
        assertThat(client.openedOn()).isEqualTo("spring-a");
        assertThat(text(client.callTool("whoami", "{}"))).isEqualTo("session=" + sessionId + " node=spring-a");
        assertThat(toolNames(client)).contains("echo", "slow_count", "whoami", "reverse").doesNotContain("state_set");
        // a @Tool method of a ToolCallbackProvider bean; Spring AI's default result converter writes JSON
        assertThat(text(client.callTool("reverse", "{\"text\":\"durable\"}"))).isEqualTo("\"elbarud\"");

        List<SseEvent> before = new ArrayList<>();
        try (McpHttpClient.Response reader = client.post(McpHttpClient.toolCall(7, "slow_count",
                "{\"count\":5,\"interval_ms\":0}", "p7"))) {
            assertThat(reader.status()).isEqualTo(200);
            reader.next(); // priming
            before.add(reader.nextMessage());
            before.add(reader.nextMessage());
        } // cut
        String cutAt = before.get(1).id();
        List<SseEvent> restBefore = readAll(client.get(cutAt)); // the call has ended: its whole answer is stored
        assertThat(text(json(restBefore.get(restBefore.size() - 1)))).isEqualTo("counted 5");
        Jars.stop(first);

        Jars.Running second = jars.server(db, "--mcp-state.node-id=spring-a");
        McpHttpClient again = new McpHttpClient(second.url()).adopt(sessionId);
        assertThat(text(again.callTool("whoami", "{}"))).isEqualTo("session=" + sessionId + " node=spring-a");
        assertThat(text(again.callTool("echo", "{\"text\":\"still here\"}"))).isEqualTo("still here");
        assertThat(text(again.callTool("reverse", "{\"text\":\"restart\"}"))).isEqualTo("\"tratser\"");

        List<SseEvent> restAfter = readAll(again.get(cutAt));
        assertThat(restAfter).extracting(SseEvent::id).containsExactlyElementsOf(
                restBefore.stream().map(SseEvent::id).toList());
        List<SseEvent> all = new ArrayList<>(before);
        all.addAll(restAfter);
        assertThat(all.stream().map(SpringRestartIT::json)
                .filter(j -> j.path("method").asText().equals("notifications/progress"))
                .map(j -> j.at("/params/progress").asInt()).toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 5).boxed().toList());

        assertThat(again.delete().status()).isEqualTo(200);
        McpHttpClient.Response after = again.post(McpHttpClient.toolCall(9, "echo", "{\"text\":\"x\"}", null),
                Map.of());
        assertThat(after.status()).isEqualTo(404);
        assertThat(Json.parseOrNull(after.text()).at("/error/code").asInt()).isEqualTo(-32001);
    }

    static List<String> toolNames(McpHttpClient client) {
        int id = client.nextId();
        try (McpHttpClient.Response response = client.post("{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"method\":\"tools/list\"}")) {
            List<String> names = new ArrayList<>();
            response.finalResponse(id).at("/result/tools").forEach(t -> names.add(t.get("name").asText()));
            return names;
        }
    }

    static List<SseEvent> readAll(McpHttpClient.Response response) {
        assertThat(response.status()).isEqualTo(200);
        List<SseEvent> events = new ArrayList<>();
        try (McpHttpClient.Response reader = response) {
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                events.add(e);
            }
        }
        return events;
    }

    static String text(JsonNode response) {
        assertThat(response.has("error")).as("%s", response).isFalse();
        return response.at("/result/content/0/text").asText();
    }

    static JsonNode json(SseEvent event) {
        return Json.parseOrNull(event.data());
    }
}
