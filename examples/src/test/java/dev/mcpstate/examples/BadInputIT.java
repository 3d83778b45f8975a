package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.store.SessionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets the status the MCP spec asks for and a JSON-RPC error body with a plain message; it never hangs,
 * never shows a stack trace, and loses nothing. Requests of the sessionless protocol era pass through untouched.
 */
class BadInputIT {

    @TempDir
    Path dir;
    private McpStateServer server;
    private McpHttp client;

    @BeforeEach
    void start() throws Exception {
        server = McpStateServer.start(Backend.SQLITE.options(dir.resolve("state.db"), "node-a"));
        client = new McpHttp(server.uri()).open();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void malformedJsonGets400WithParseError() throws Exception {
        HttpResponse<String> response = client.post("{\"jsonrpc\":\"2.0\",", Map.of());
        assertError(response, 400, -32700);
    }

    @Test
    void jsonThatIsNotJsonRpcGets400WithInvalidRequest() throws Exception {
        assertError(client.post("{\"hello\":1}", Map.of()), 400, -32600);
    }

    @Test
    void bodyOverTheLimitGets413() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"text\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}}}";
        assertError(client.post(big, Map.of()), 413, -32002);
    }

    @Test
    void garbageLastEventIdGets400() throws Exception {
        assertError(client.getString("definitely not an id"), 400, -32000);
    }

    @Test
    void unknownLastEventIdGets404() throws Exception {
        assertError(client.getString("r000000000000:42"), 404, -32001);
        assertError(client.getString("listen:999999"), 404, -32001);
    }

    @Test
    void unknownSessionGets404OnEveryMethod() throws Exception {
        McpHttp stranger = new McpHttp(server.uri());
        stranger.sessionId = "no-such-session";
        assertError(stranger.post(McpHttp.toolCall(1, "echo", "{\"text\":\"x\"}", null), Map.of()), 404, -32001);
        assertError(stranger.getString(null), 404, -32001);
        assertError(stranger.delete(), 404, -32001);
    }

    @Test
    void requestWithoutSessionIdGets400() throws Exception {
        McpHttp anonymous = new McpHttp(server.uri());
        assertError(anonymous.post(McpHttp.toolCall(1, "echo", "{\"text\":\"x\"}", null), Map.of()), 400, -32000);
    }

    @Test
    void unsupportedProtocolVersionGets400() throws Exception {
        assertError(client.post(McpHttp.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of("MCP-Protocol-Version", "1999-01-01")), 400, -32000);
    }

    @Test
    void foreignOriginGets403() throws Exception {
        assertError(client.post(McpHttp.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of("Origin", "https://evil.example")), 403, -32004);
    }

    @Test
    void sessionlessEraRequestPassesThroughUntouched() throws Exception {
        SessionStore sessions = server.state().storage().sessions();
        int sessionsBefore = sessions.list().size();
        String lastEntry = server.state().storage().events().lastEntryId(client.sessionId, "listen");

        HttpResponse<String> response = new McpHttp(server.uri()).post(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2026-07-28\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}",
                Map.of("MCP-Protocol-Version", "2026-07-28"));

        // the SDK answered it itself (it knows no 2026 era and issues a session), and the filter stored nothing
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sessions.list()).hasSize(sessionsBefore);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isPresent();
        assertThat(sessions.find(response.headers().firstValue("Mcp-Session-Id").get())).isEmpty();
        assertThat(server.state().storage().events().lastEntryId(client.sessionId, "listen")).isEqualTo(lastEntry);
    }

    @Test
    void storageFaultGets503WithRetryAfterAndNoStackTrace() throws Exception {
        server.state().storage().close();
        HttpResponse<String> response = client.post(McpHttp.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of());
        assertError(response, 503, -32003);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
    }

    @Test
    void sdkErrorBodiesBecomeJsonRpcErrorsWithoutStackTraces() throws Exception {
        // the SDK rejects a POST whose Accept lacks text/event-stream with a serialized exception
        HttpResponse<String> response = client.post(McpHttp.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of("Accept", "application/json"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).doesNotContain("stackTrace").doesNotContain("at io.");
        JsonNode body = McpHttp.JSON.readTree(response.body());
        assertThat(body.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.at("/error/message").asText()).contains("text/event-stream");
    }

    private static void assertError(HttpResponse<String> response, int status, int code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = McpHttp.JSON.readTree(response.body());
        assertThat(body.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.at("/error/code").asInt()).isEqualTo(code);
        assertThat(body.at("/error/message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("stackTrace");
    }
}
