package dev.mcpstate.interceptor;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.modern.JsonRpc;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpServer;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.McpTransportResponse;
import io.modelcontextprotocol.modern.server.feature.McpSyncTool;
import io.modelcontextprotocol.modern.server.feature.McpSyncToolRepository;
import io.modelcontextprotocol.modern.server.feature.ToolsFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code requestState} between nodes, on the SDK's real modern server: state sealed on one node opens on another
 * with the same keys, or without keys with the key their store shares (two connections to one SQLite file), and
 * after a rotation with the previous key; tampered, foreign, expired and replayed
 * single-use state is refused with the SDK's {@code -32602} on every node.
 */
class ClusterRequestStateCodecTest {

    private static final String KEY_1 = "k1-0123456789abcdef0123456789abcdef";
    private static final String KEY_2 = "k2-0123456789abcdef0123456789abcdef";
    private static final String PRINCIPAL = "principal";

    private final MutableClock clock = new MutableClock();
    /** One store, shared by every "node" below, as one Redis is. */
    private final Storage store = Storage.open(StorageConfig.inMemory(), clock);

    /** A node: the modern server with the tool {@code ask}, its codec on the shared store. */
    private McpServer node(RequestStateKeys keys) {
        return node(keys, store);
    }

    /** A node: the modern server with the tool {@code ask}, its codec on {@code store}. */
    private McpServer node(RequestStateKeys keys, Storage store) {
        return node(ClusterRequestStateCodec.builder().keys(keys).ttl(Duration.ofMinutes(5)).clock(clock)
                .ledger(store.requestStates()).principal(context -> (String) context.get(PRINCIPAL)).build());
    }

    /** A node: the modern server with the tool {@code ask} and {@code codec}. */
    private static McpServer node(ClusterRequestStateCodec codec) {
        McpSchema.Tool ask = McpSchema.Tool.builder("ask", Map.of("type", "object")).build();
        McpSyncTool tool = McpSyncTool.of(ask, (ctx, request) -> McpSyncResponse.result(request.requestState() == null
                ? McpSchema.InputRequiredResult.builder().requestState(Boolean.TRUE.equals(
                        request.arguments().get("once")) ? ClusterRequestStateCodec.singleUse("s1") : "s1").build()
                : McpSchema.CallToolResult.builder()
                        .addContent(McpSchema.TextContent.builder("opened " + request.requestState()).build())
                        .build()));
        return McpServer.builder()
                .serverInfo(new McpSchema.Implementation("node", null, "1", null, null, null))
                .feature(ToolsFeature.ofSync(new McpSyncToolRepository() {
                    @Override
                    public ToolsPage list(io.modelcontextprotocol.modern.server.McpRequestContext ctx, String c) {
                        return ToolsPage.of(List.of(ask));
                    }

                    @Override
                    public McpSyncTool find(io.modelcontextprotocol.modern.server.McpRequestContext ctx, String n) {
                        return tool;
                    }
                }))
                .requestStateCodec(codec)
                .build();
    }

    private static JsonRpc.JSONRPCResponse call(McpServer node, String principal, boolean once, String state) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "ask");
        params.put("arguments", Map.of("once", once));
        if (state != null) {
            params.put("requestState", state);
        }
        params.put("_meta", Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities", Map.of()));
        McpTransportContext context = principal == null ? McpTransportContext.EMPTY
                : McpTransportContext.create(Map.of(PRINCIPAL, principal));
        McpTransportResponse response = node.handleBlocking(context,
                new JsonRpc.JSONRPCRequest("2.0", "tools/call", 1, params)).block();
        return response instanceof McpTransportResponse.Result r ? r.response()
                : ((McpTransportResponse.Error) response).response();
    }

    /** @return the sealed state of a first round on {@code node} */
    private static String mint(McpServer node, String principal, boolean once) {
        JsonRpc.JSONRPCResponse first = call(node, principal, once, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) first.result();
        assertThat(result).containsEntry("resultType", "input_required");
        return (String) result.get("requestState");
    }

    private static String text(JsonRpc.JSONRPCResponse response) {
        assertThat(response.error()).as("no error").isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) response.result();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> content = (List<Map<String, Object>>) result.get("content");
        return (String) content.get(0).get("text");
    }

    private static void assertRefused(JsonRpc.JSONRPCResponse response) {
        assertThat(response.error()).as("refused").isNotNull();
        assertThat(response.error().code()).isEqualTo(-32602);
        assertThat(response.error().message()).isEqualTo("Invalid or expired requestState");
    }

    @Test
    void stateMintedOnOneNodeOpensOnAnotherWithTheSameKeys() {
        McpServer a = node(RequestStateKeys.of(KEY_1));
        McpServer b = node(RequestStateKeys.of(KEY_1));

        String state = mint(a, "alice", false);

        assertThat(text(call(b, "alice", false, state))).isEqualTo("opened s1");
        assertThat(text(call(a, "alice", false, state))).as("reusable until it expires").isEqualTo("opened s1");
    }

    @Test
    void withoutKeysNodesOnOneStoreShareTheKeyItKeeps(@TempDir Path dir) {
        Path file = dir.resolve("state.db");
        try (Storage first = Storage.open(StorageConfig.sqlite(file), clock);
                Storage second = Storage.open(StorageConfig.sqlite(file), clock)) { // as two processes on one file
            McpServer a = node(null, first);
            McpServer b = node(null, second);

            String state = mint(a, "alice", true);

            assertThat(text(call(b, "alice", true, state))).isEqualTo("opened s1");
            assertRefused(call(a, "alice", true, state));
            assertRefused(call(node(RequestStateKeys.of(KEY_1), first), "alice", false, mint(a, "alice", false)));
        }
    }

    @Test
    void withoutKeysOrLedgerEachNodeSealsWithAKeyOfItsOwn() {
        ClusterRequestStateCodec.Builder noLedger = ClusterRequestStateCodec.builder().clock(clock)
                .principal(context -> (String) context.get(PRINCIPAL));
        McpServer a = node(noLedger.build());
        McpServer b = node(noLedger.build());

        String state = mint(a, "alice", false);

        assertThat(text(call(a, "alice", false, state))).isEqualTo("opened s1");
        assertRefused(call(b, "alice", false, state));
    }

    @Test
    void afterARotationThePreviousKeyStillOpensAndAnUnrelatedKeyDoesNot() {
        String state = mint(node(RequestStateKeys.of(KEY_1)), "alice", false);

        assertThat(text(call(node(RequestStateKeys.of(KEY_2).withPrevious(KEY_1)), "alice", false, state)))
                .isEqualTo("opened s1");
        assertRefused(call(node(RequestStateKeys.of(KEY_2)), "alice", false, state));
    }

    @Test
    void tamperedForeignAndExpiredStateIsRefusedOnEveryNode() {
        McpServer a = node(RequestStateKeys.of(KEY_1));
        McpServer b = node(RequestStateKeys.of(KEY_1));
        String state = mint(a, "alice", false);
        String payload = state.substring(0, state.lastIndexOf('.'));
        String forged = payload.substring(0, payload.length() - 2) + (payload.endsWith("A") ? "B" : "A")
                + payload.charAt(payload.length() - 1) + state.substring(state.lastIndexOf('.'));

        for (McpServer node : List.of(a, b)) {
            assertRefused(call(node, "alice", false, state + "x"));
            assertRefused(call(node, "alice", false, forged));
            assertRefused(call(node, "bob", false, state));
        }
        clock.advance(Duration.ofMinutes(5).plusMillis(1));
        assertRefused(call(b, "alice", false, state));
    }

    @Test
    void singleUseStateOpensOnceAcrossNodes() {
        McpServer a = node(RequestStateKeys.of(KEY_1));
        McpServer b = node(RequestStateKeys.of(KEY_1));
        McpServer c = node(RequestStateKeys.of(KEY_1));
        String state = mint(a, "alice", true);

        assertThat(text(call(b, "alice", true, state))).as("the marker is not the handler's").isEqualTo("opened s1");
        assertRefused(call(c, "alice", true, state));
        assertRefused(call(a, "alice", true, state));
        assertRefused(call(b, "alice", true, state));
    }

    @Test
    void keysAreLongEnoughAndNeverPrinted() {
        assertThat(RequestStateKeys.parse(KEY_1 + "," + KEY_2)).isEqualTo(RequestStateKeys.of(KEY_1)
                .withPrevious(KEY_2));
        assertThat(RequestStateKeys.parse(KEY_1).toString()).doesNotContain(KEY_1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RequestStateKeys.of("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
    }
}
