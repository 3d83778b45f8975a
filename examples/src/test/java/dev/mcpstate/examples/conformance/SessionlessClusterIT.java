package dev.mcpstate.examples.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.testing.RedisTestServer;
import io.modelcontextprotocol.modern.server.feature.ServerChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Protocol 2026-07-28 over three conformance-server nodes on one real Redis, given no {@code --request-state-key}
 * (they seal with the key the first of them writes into Redis; {@code scripts/conformance-cluster.sh}, run by
 * {@link ConformanceClusterIT}, gives its nodes one): {@code subscriptions/listen} changes made on one node reach
 * the listeners of every node exactly once and in order, and {@code requestState} minted on one node opens on another, while tampered and
 * replayed single-use state is refused on every node.
 */
class SessionlessClusterIT {

    private static final String VERSION = "2026-07-28";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final List<McpStateServer> NODES = new ArrayList<>();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        RedisTestServer.flushAll();
        for (String id : List.of("a", "b", "c")) {
            NODES.add(ConformanceServer.start(ServerOptions.parse(new String[] {"--port", "0", "--store", "redis",
                "--redis-url", RedisTestServer.url(), "--node-id", id}, Map.of())));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (McpStateServer node : NODES) {
            node.close();
        }
    }

    private static String meta(String capabilities) {
        return "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + VERSION
                + "\",\"io.modelcontextprotocol/clientCapabilities\":" + capabilities + "}";
    }

    /** POSTs one request of protocol 2026-07-28 to a node, with the headers that mirror its body. */
    private static McpHttpClient.Response post(McpStateServer node, String method, String name, String params) {
        McpHttpClient client = new McpHttpClient(node.uri()).protocolVersion(VERSION)
                .readTimeout(WAIT);
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":{" + params + "}}";
        return name == null ? client.post(body, Map.of("Mcp-Method", method))
                : client.post(body, Map.of("Mcp-Method", method, "Mcp-Name", name));
    }

    private static JsonNode callTool(McpStateServer node, String tool, String extraParams) {
        try (McpHttpClient.Response response = post(node, "tools/call", tool, "\"name\":\"" + tool
                + "\",\"arguments\":{}," + extraParams + meta("{\"elicitation\":{}}"))) {
            return response.isEventStream() ? response.finalResponse(1) : response.json();
        }
    }

    /** A {@code subscriptions/listen} stream on one node; every message it receives, in order. */
    private static final class Listener implements AutoCloseable {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final McpHttpClient.Response response;
        private final Thread reader;

        Listener(McpStateServer node, String notifications) {
            response = post(node, "subscriptions/listen", null,
                    "\"notifications\":" + notifications + "," + meta("{}"));
            assertThat(response.status()).isEqualTo(200);
            reader = new Thread(() -> {
                try {
                    for (SseEvent event = response.nextMessage(); event != null; event = response.nextMessage()) {
                        messages.add(Json.parseOrNull(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    }
                } catch (UncheckedIOException e) {
                    // closed by the test
                }
            }, "listener");
            reader.setDaemon(true);
            reader.start();
            await().atMost(WAIT).until(() -> !messages.isEmpty());
            assertThat(messages.get(0).path("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
        }

        /** @return what follows the acknowledgement: method, and the uri of resource updates */
        List<String> changes() {
            return messages.stream().skip(1).map(m -> m.path("method").asText()
                    + (m.at("/params/uri").isTextual() ? " " + m.at("/params/uri").asText() : "")).toList();
        }

        @Override
        public void close() {
            response.close();
            reader.interrupt();
        }
    }

    @Test
    void aChangeOnOneNodeReachesTheListenersOfEveryNodeOnceAndInOrder() {
        String filter = "{\"toolsListChanged\":true,\"resourceSubscriptions\":[\"test://r/1\",\"test://r/2\","
                + "\"test://r/3\",\"test://r/4\",\"test://r/5\",\"test://end\"]}";
        try (Listener onA = new Listener(NODES.get(0), filter); Listener onB = new Listener(NODES.get(1), filter);
                Listener onC = new Listener(NODES.get(2), filter)) {
            // a tool call on node A broadcasts a list change; then five resource updates from A, then the end
            assertThat(callTool(NODES.get(0), "test_trigger_tool_change", "").at("/result/content/0/text").asText())
                    .startsWith("broadcast");
            for (int i = 1; i <= 5; i++) {
                NODES.get(0).state().changeFeed().broadcast(new ServerChange.ResourceUpdated("test://r/" + i));
            }
            NODES.get(0).state().changeFeed().broadcast(new ServerChange.ResourceUpdated("test://end"));

            List<String> expected = List.of("notifications/tools/list_changed",
                    "notifications/resources/updated test://r/1", "notifications/resources/updated test://r/2",
                    "notifications/resources/updated test://r/3", "notifications/resources/updated test://r/4",
                    "notifications/resources/updated test://r/5", "notifications/resources/updated test://end");
            for (Listener listener : List.of(onA, onB, onC)) {
                await().atMost(WAIT).until(() -> listener.changes().contains(expected.get(expected.size() - 1)));
                assertThat(listener.changes()).as("exactly once, in order").containsExactlyElementsOf(expected);
            }
            String subscription = onB.messages.get(0).at("/params/_meta").path(
                    "io.modelcontextprotocol/subscriptionId").asText();
            assertThat(onB.messages.get(1).at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText())
                    .isEqualTo(subscription);
        }
    }

    @Test
    void requestStateMintedOnOneNodeOpensOnAnotherAndSingleUseStateOnlyOnce() {
        JsonNode first = callTool(NODES.get(0), ConformanceInputTools.REQUEST_STATE, "");
        assertThat(first.at("/result/resultType").asText()).isEqualTo("input_required");
        String state = first.at("/result/requestState").asText();
        String answers = "\"inputResponses\":{\"confirm\":{\"action\":\"accept\",\"content\":{\"ok\":true}}},";
        String retry = answers + "\"requestState\":" + Json.MAPPER.valueToTree(state) + ",";

        JsonNode onB = callTool(NODES.get(1), ConformanceInputTools.REQUEST_STATE, retry);
        assertThat(onB.at("/result/content/0/text").asText()).startsWith(ConformanceInputTools.STATE_OK);

        for (McpStateServer node : NODES) {
            JsonNode replay = callTool(node, ConformanceInputTools.REQUEST_STATE, retry);
            assertThat(replay.at("/error/code").asInt()).as("replayed on %s", node.uri()).isEqualTo(-32602);
            assertThat(replay.at("/error/message").asText()).isEqualTo("Invalid or expired requestState");
        }
    }

    @Test
    void tamperedStateIsRefusedOnEveryNodeAndTheUntouchedStateOpensOnEach() {
        String state = callTool(NODES.get(2), ConformanceInputTools.TAMPERED_STATE, "").at("/result/requestState")
                .asText();
        String answers = "\"inputResponses\":{\"confirm\":{\"action\":\"accept\",\"content\":{\"ok\":true}}},";

        for (McpStateServer node : NODES) {
            JsonNode tampered = callTool(node, ConformanceInputTools.TAMPERED_STATE,
                    answers + "\"requestState\":\"" + state + "-TAMPERED\",");
            assertThat(tampered.at("/error/code").asInt()).as("tampered on %s", node.uri()).isEqualTo(-32602);
            JsonNode untouched = callTool(node, ConformanceInputTools.TAMPERED_STATE,
                    answers + "\"requestState\":\"" + state + "\",");
            assertThat(untouched.at("/result/content/0/text").asText()).startsWith(ConformanceInputTools.STATE_OK);
        }
    }
}
