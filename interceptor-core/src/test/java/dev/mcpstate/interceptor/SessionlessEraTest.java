package dev.mcpstate.interceptor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import io.modelcontextprotocol.modern.server.feature.ServerChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One endpoint, two protocol eras: a request of 2026-07-28 (header or {@code _meta}) goes to the SDK's modern server
 * behind the same filter, after the same edge checks; a client that initializes is served by the session era as
 * before; the tools are the same specifications in both.
 */
class SessionlessEraTest {

    private static final String MODERN = "2026-07-28";

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).sessionless().config(c -> c.maxBodyBytes(2048)).start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private static String meta(String version) {
        return "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + version
                + "\",\"io.modelcontextprotocol/clientCapabilities\":{}}";
    }

    private HttpResult modern(String method, String name, String params, String version, String extraHeaders) {
        return node.send("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: %s
                Mcp-Method: %s
                %s%s

                {"jsonrpc":"2.0","id":7,"method":"%s","params":{%s%s}}
                """.formatted(version, method, name == null ? "" : "Mcp-Name: " + name + "\n", extraHeaders, method,
                params.isEmpty() ? "" : params + ",", meta(version)));
    }

    @Test
    void aModernToolCallIsServedByTheModernServerWithTheSameToolAndStoresNothing() {
        HttpResult call = modern("tools/call", "echo", "\"name\":\"echo\",\"arguments\":{\"text\":\"both eras\"}",
                MODERN, "");

        assertThat(call.status()).as(call.toString()).isEqualTo(200);
        assertThat(call.json().at("/result/content/0/text").asText()).isEqualTo("both eras");
        assertThat(call.json().at("/result/resultType").asText()).isEqualTo("complete");
        assertThat(call.header("Mcp-Session-Id")).isNull();
        assertThat(storage.sessions().list()).as("the era without sessions stores nothing").isEmpty();
        assertThat(node.filter().localSessionIds()).isEmpty();
    }

    @Test
    void aToolThatThrowsIsAnsweredWithAPlainInternalErrorInBothEras() {
        // the exception's message names a Java type; neither era's answer may
        HttpResult modern = modern("tools/call", "broken", "\"name\":\"broken\",\"arguments\":{}", MODERN, "");
        String session = node.openSession();
        HttpResult withSession = node.callTool(session, 3, "broken", "{}");

        assertThat(modern.status()).as(modern.toString()).isEqualTo(200);
        assertThat(modern.json().at("/error/code").asInt()).isEqualTo(-32603);
        assertThat(withSession.messages()).last().satisfies(f -> assertThat(f.json().at("/error/code").asInt())
                .isEqualTo(-32603));
        for (String body : List.of(modern.body(), withSession.body())) {
            assertThat(body).doesNotContain("dev.mcpstate", "IllegalStateException", "Secret");
        }
    }

    @Test
    void theModernToolListHasTheSessionEraTools() {
        HttpResult list = modern("tools/list", null, "", MODERN, "");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().at("/result/tools").findValuesAsText("name")).containsExactly("echo", "whoami",
                "count", "broken");
    }

    @Test
    void aClientThatInitializesIsStillServedBySessionsOnTheSameEndpoint() {
        String session = node.initialize();

        assertThat(session).isNotBlank();
        assertThat(storage.sessions().find(session)).isPresent();
    }

    @Test
    void theMetaVersionAloneDecidesTheEra() {
        HttpResult call = node.send("""
                POST /mcp HTTP/1.1

                {"jsonrpc":"2.0","id":3,"method":"tools/list","params":{%s}}
                """.formatted(meta(MODERN)));

        // the modern server's own check: its header mirror is missing (spec 2026-07-28, "Server Validation")
        call.assertJsonRpcError(400, -32020);
        assertThat(call.json().at("/error/message").asText()).contains("Mcp-Method");
    }

    @Test
    void anUnsupportedVersionGetsUnsupportedProtocolVersionErrorWithItsData() {
        HttpResult call = modern("tools/list", null, "", "2030-01-01", "");

        call.assertJsonRpcError(400, -32022);
        JsonNode data = call.json().at("/error/data");
        assertThat(data.path("supported").get(0).asText()).isEqualTo(MODERN);
        assertThat(data.path("requested").asText()).isEqualTo("2030-01-01");
    }

    @Test
    void theEdgeHoldsForTheModernServer() {
        modern("tools/list", null, "", MODERN, "Origin: https://evil.example\n").assertJsonRpcError(403, -32004);
        modern("tools/call", "echo", "\"name\":\"echo\",\"arguments\":{\"text\":\"" + "x".repeat(4096) + "\"}",
                MODERN, "").assertJsonRpcError(413, -32002);
    }

    @Test
    void aGetOfTheModernEraGets405AsJsonRpc() {
        HttpResult get = node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                MCP-Protocol-Version: 2026-07-28

                """);

        assertThat(get.status()).isEqualTo(405);
        assertThat(get.json().path("error").path("code").isInt()).as(get.toString()).isTrue();
        assertThat(get.body()).doesNotContain("Exception").doesNotContain("<html");
    }

    @Test
    void aListenStreamGetsTheChangesOfThisNodesFeed() {
        try (SseStream listen = node.open("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: 2026-07-28
                Mcp-Method: subscriptions/listen

                {"jsonrpc":"2.0","id":"l1","method":"subscriptions/listen","params":{"notifications":\
                {"toolsListChanged":true},%s}}
                """.formatted(meta(MODERN)))) {
            listen.awaitMessages(1); // notifications/subscriptions/acknowledged
            node.changes().broadcast(new ServerChange.ToolsListChanged());

            assertThat(listen.awaitMessages(2).get(1).json().path("method").asText())
                    .isEqualTo("notifications/tools/list_changed");
            assertThat(Set.of(listen.messages().get(0).json().path("method").asText()))
                    .containsExactly("notifications/subscriptions/acknowledged");
        }
    }
}
