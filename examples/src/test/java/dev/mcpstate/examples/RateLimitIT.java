package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limiting across nodes: two example servers started with {@code --rate-limit 5/s --rate-limit-burst 6} on
 * one real Redis share each caller's token bucket. Calls alternating between the nodes are refused with 429 once
 * the caller's total passes the burst, though neither node alone saw that many. The nodes' clock is a frozen
 * {@link MutableClock}, so no token comes back until the test moves it.
 */
class RateLimitIT {

    private static final int RATE = 5;
    private static final int BURST = 6;

    private final MutableClock clock = new MutableClock();
    private final List<McpStateServer> nodes = new ArrayList<>();

    @BeforeEach
    void startNodes() throws Exception {
        RedisTestServer.flushAll();
        nodes.add(node("node-1", true));
        nodes.add(node("node-2", true));
        nodes.add(node("node-3", false));
    }

    private McpStateServer node(String id, boolean limited) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--store", "redis", "--redis-url",
                RedisTestServer.url(), "--node-id", id));
        if (limited) {
            args.addAll(List.of("--rate-limit", RATE + "/s", "--rate-limit-burst", Integer.toString(BURST)));
        }
        return McpStateServer.start(ServerOptions.parse(args.toArray(String[]::new), Map.of()),
                InterceptorConfig.builder().clock(clock).build());
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (McpStateServer node : nodes) {
            node.close();
        }
    }

    /** Calls echo through a client of that node on the session; returns status, node and headers. */
    private static Call echo(McpHttpClient client, int n) {
        int id = client.nextId();
        try (McpHttpClient.Response response = client.post(McpHttpClient.toolCall(id, "echo",
                "{\"text\":\"call " + n + "\"}", null))) {
            Call call = new Call(response.status(), response.node(), response.header("RateLimit-Limit"),
                    response.header("RateLimit-Remaining"), response.header("Retry-After"),
                    response.status() == 200 ? response.finalResponse(id).at("/result/content/0/text").asText()
                            : response.json().at("/error/code").asInt() + " " + response.json().at("/error/message")
                                    .asText());
            return call;
        }
    }

    private record Call(int status, String node, String limit, String remaining, String retryAfter, String text) {
    }

    @Test
    void callsAlternatingBetweenTwoNodesGet429OnceTheirTotalPassesTheLimit() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri()); // initialize + initialized: 2 tokens
        McpHttpClient viaNode2 = new McpHttpClient(nodes.get(1).uri()).adopt(viaNode1.sessionId());

        List<Call> calls = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            calls.add(echo(n % 2 == 1 ? viaNode1 : viaNode2, n));
        }

        assertThat(calls).extracting(Call::status).containsExactly(200, 200, 200, 200, 429, 429);
        assertThat(calls).extracting(Call::node)
                .containsExactly("node-1", "node-2", "node-1", "node-2", "node-1", "node-2");
        assertThat(calls).extracting(Call::remaining).containsExactly("3", "2", "1", "0", "0", "0");
        assertThat(calls).extracting(Call::limit).containsOnly(Integer.toString(BURST));
        assertThat(calls.subList(0, 4)).extracting(Call::text)
                .containsExactly("call 1", "call 2", "call 3", "call 4");
        assertThat(calls.subList(0, 4)).extracting(Call::retryAfter).containsOnlyNulls();
        for (Call refused : calls.subList(4, 6)) {
            assertThat(refused.retryAfter()).as("whole seconds until the next token").isEqualTo("1");
            assertThat(refused.text()).startsWith("-32006 Rate limit exceeded");
        }
        // node-1 let 4 requests through (initialize, initialized, calls 1 and 3), node-2 2: each fewer than BURST
        long node1Allowed = 2 + calls.stream().filter(c -> c.status() == 200 && c.node().equals("node-1")).count();
        long node2Allowed = calls.stream().filter(c -> c.status() == 200 && c.node().equals("node-2")).count();
        assertThat(node1Allowed).isLessThan(BURST);
        assertThat(node2Allowed).isLessThan(BURST);
    }

    @Test
    void tokensComeBackWithTheNodesClockAndANodeWithoutTheOptionDoesNotLimit() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri());
        McpHttpClient viaNode2 = new McpHttpClient(nodes.get(1).uri()).adopt(viaNode1.sessionId());
        McpHttpClient viaNode3 = new McpHttpClient(nodes.get(2).uri()).adopt(viaNode1.sessionId());
        for (int n = 1; n <= BURST - 2; n++) {
            echo(n % 2 == 1 ? viaNode1 : viaNode2, n);
        }
        Call empty = echo(viaNode2, 10);
        Call unlimited = echo(viaNode3, 11);
        clock.advance(Duration.ofMillis(1000 / RATE)); // one token
        Call refilled = echo(viaNode2, 12);
        Call emptyAgain = echo(viaNode1, 13);

        assertThat(empty.status()).isEqualTo(429);
        assertThat(unlimited.status()).isEqualTo(200);
        assertThat(unlimited.text()).isEqualTo("call 11");
        assertThat(unlimited.limit()).as("not rate-limited: no headers").isNull();
        assertThat(refilled.status()).isEqualTo(200);
        assertThat(refilled.remaining()).isEqualTo("0");
        assertThat(emptyAgain.status()).isEqualTo(429);
    }
}
