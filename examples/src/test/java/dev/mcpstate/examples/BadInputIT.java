package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.store.internal.Json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.store.SessionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
    private McpHttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = McpStateServer.start(Backend.SQLITE.options(dir.resolve("state.db"), "node-a"));
        client = Clients.session(server.uri());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void malformedJsonGets400WithParseError() throws Exception {
        McpHttpClient.Response response = client.post("{\"jsonrpc\":\"2.0\",", Map.of());
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
        assertError(client.get("definitely not an id"), 400, -32000);
    }

    @Test
    void unknownLastEventIdGets410() throws Exception {
        assertError(client.get("r000000000000:42"), 410, -32000);
        assertError(client.get("listen:999999"), 410, -32000);
    }

    @Test
    void unknownSessionGets404OnEveryMethod() throws Exception {
        McpHttpClient stranger = new McpHttpClient(server.uri());
        stranger.adopt("no-such-session");
        assertError(stranger.post(McpHttpClient.toolCall(1, "echo", "{\"text\":\"x\"}", null), Map.of()), 404, -32001);
        assertError(stranger.get(null), 404, -32001);
        assertError(stranger.delete(), 404, -32001);
    }

    @Test
    void requestWithoutSessionIdGets400() throws Exception {
        McpHttpClient anonymous = new McpHttpClient(server.uri());
        assertError(anonymous.post(McpHttpClient.toolCall(1, "echo", "{\"text\":\"x\"}", null), Map.of()), 400, -32000);
    }

    @Test
    void unsupportedProtocolVersionGets400() throws Exception {
        assertError(client.post(McpHttpClient.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of("MCP-Protocol-Version", "1999-01-01")), 400, -32000);
    }

    @Test
    void foreignOriginGets403() throws Exception {
        assertError(client.post(McpHttpClient.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of("Origin", "https://evil.example")), 403, -32004);
    }

    @Test
    void sessionlessEraRequestGoesToTheModernServerAndStoresNothing() throws Exception {
        SessionStore sessions = server.state().storage().sessions();
        int sessionsBefore = sessions.list().size();
        String lastEntry = server.state().storage().events().lastEntryId(client.sessionId(), "listen");

        McpHttpClient.Response response = new McpHttpClient(server.uri()).post(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2026-07-28\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}",
                Map.of("MCP-Protocol-Version", "2026-07-28"));

        if (McpStateJetty.sessionlessEraSupported()) {
            // SDK 2.2: the modern server answers it — that era has no initialize — and issues no session
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().at("/error/code").asInt()).isEqualTo(-32022);
            assertThat(response.text()).as("the SDK's own error body names no Java type")
                    .doesNotContainPattern("\\b(java|javax|jakarta|io|org|com|dev)\\.[a-z0-9]+\\.[A-Z]");
            assertThat(response.json().at("/error/data/supported/0").asText()).isEqualTo("2026-07-28");
            assertThat(response.header("Mcp-Session-Id")).isNull();
        } else {
            // SDK 2.0: the session era's servlet answered it itself (it knows no 2026 era and issues a session)
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Mcp-Session-Id")).isNotNull();
            assertThat(sessions.find(response.header("Mcp-Session-Id"))).isEmpty();
        }
        // either way the filter stored nothing
        assertThat(sessions.list()).hasSize(sessionsBefore);
        assertThat(server.state().storage().events().lastEntryId(client.sessionId(), "listen")).isEqualTo(lastEntry);
    }

    @Test
    void storageFaultGets503WithRetryAfterAndNoStackTrace() throws Exception {
        server.state().storage().close();
        McpHttpClient.Response response = client.post(McpHttpClient.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of());
        assertError(response, 503, -32003);
        assertThat(response.header("Retry-After")).contains("1");
    }

    @Test
    void aPostWithoutTheTransportsAcceptGets406() throws Exception {
        McpHttpClient.Response response = client.post(McpHttpClient.toolCall(1, "echo", "{\"text\":\"x\"}", null),
                Map.of("Accept", "application/json"));
        assertError(response, 406, -32000);
        assertThat(Json.MAPPER.readTree(response.text()).at("/error/message").asText()).contains("text/event-stream");
    }

    @Test
    void toolsCallWithoutParamsGetsAJsonRpcErrorForItsId() throws Exception {
        McpHttpClient.Response response = client.post("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"tools/call\"}",
                Map.of());
        assertError(response, 400, -32602);
        assertThat(Json.MAPPER.readTree(response.text()).path("id").asInt()).isEqualTo(41);
        assertError(client.post("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo\",\"arguments\":[\"x\"]}}", Map.of()), 400, -32602);
    }

    @Test
    void initializeWithoutParamsGets400() throws Exception {
        McpHttpClient fresh = new McpHttpClient(server.uri());
        assertError(fresh.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}", Map.of()), 400, -32602);
    }

    @Test
    void batchesAndObjectIdsGet400WithoutJavaNames() throws Exception {
        McpHttpClient.Response batch = client.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]",
                Map.of());
        assertError(batch, 400, -32600);
        McpHttpClient.Response objectId = client.post("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":"
                + "\"tools/list\"}", Map.of());
        assertError(objectId, 400, -32600);
        assertThat(batch.text() + objectId.text()).doesNotContain("java.").doesNotContain("McpSchema");
    }

    @Test
    void slowCountRefusesMoreThan10000Steps() throws Exception {
        McpHttpClient.Response response = client.post(McpHttpClient.toolCall(7, "slow_count",
                "{\"count\":10001,\"interval_ms\":0}", null), Map.of());
        JsonNode result = response.finalResponse(7);
        assertThat(result.at("/result/isError").asBoolean()).isTrue();
        assertThat(result.at("/result/content/0/text").asText()).contains("10000");
    }

    @Test
    void aForeignOriginGets403InTheSessionlessEraToo() throws Exception {
        McpHttpClient fresh = new McpHttpClient(server.uri());
        String init = McpHttpClient.initializeRequest("rebinder", "{}", "2026-07-28");
        assertError(fresh.post(init, Map.of("MCP-Protocol-Version", "2026-07-28",
                "Origin", "http://rebound.evil.example")), 403, -32004);
    }

    @Test
    void aForeignHostAloneGets403InTheSessionlessEraToo() throws Exception {
        // DNS rebinding with no Origin (a non-browser client): the Host header alone decides; the JDK's client
        // cannot set Host, so the request is written by hand
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + server.uri().getPath() + " HTTP/1.1\r\n"
                    + "Host: rebound.evil.example:" + server.uri().getPort() + "\r\n"
                    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "MCP-Protocol-Version: 2026-07-28\r\nContent-Length: " + bytes.length + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(reply).startsWith("HTTP/1.1 403");
            JsonNode error = Json.MAPPER.readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4));
            assertThat(error.at("/error/code").asInt()).isEqualTo(-32004);
        }
    }

    private static void assertError(McpHttpClient.Response response, int status, int code) throws Exception {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = Json.MAPPER.readTree(response.text());
        assertThat(body.get("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.at("/error/code").asInt()).isEqualTo(code);
        assertThat(body.at("/error/message").asText()).isNotBlank();
        assertThat(response.text()).doesNotContain("Exception").doesNotContain("stackTrace")
                .as("no Java class name").doesNotContainPattern("\\b(java|javax|jakarta|io|org|com|dev)\\.[a-z0-9]+\\.");
    }
}
