package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Redis-backed nodes behind the round-robin load balancer (no stickiness): every request of every session
 * works on whichever node it lands. {@link MultiNodeOnClusterIT} runs the same on a Redis Cluster.
 */
class MultiNodeIT {

    private static final InterceptorConfig FAST = InterceptorConfig.builder()
            .pollInterval(Duration.ofMillis(50))
            .heartbeatInterval(Duration.ofMillis(200))
            .nodeDeadAfter(Duration.ofSeconds(1))
            .build();

    @TempDir
    Path dir;
    private final List<McpStateServer> nodes = new ArrayList<>();
    private Processes processes;
    private URI lb;

    /** @return the server flags that select the store every node shares */
    protected List<String> storeArgs() {
        return List.of("--store", "redis", "--redis-url", RedisTestServer.url());
    }

    /** Empties the shared store. */
    protected void emptyStore() {
        RedisTestServer.flushAll();
    }

    private List<String> nodeArgs(String port, String nodeId) {
        List<String> args = new ArrayList<>(List.of("--port", port, "--node-id", nodeId));
        args.addAll(storeArgs());
        return args;
    }

    @BeforeEach
    void startCluster() throws Exception {
        emptyStore();
        processes = new Processes(dir);
        List<String> lbArgs = new ArrayList<>(List.of("--port", Integer.toString(FreePort.find())));
        for (int i = 1; i <= 3; i++) {
            McpStateServer node = McpStateServer.start(ServerOptions.parse(nodeArgs("0", "node-" + i)
                    .toArray(String[]::new), Map.of()), FAST);
            nodes.add(node);
            lbArgs.add("--backend");
            lbArgs.add("http://" + node.uri().getAuthority());
        }
        processes.start(Processes.LB_JAR, "mcp-state-lb listening on", lbArgs);
        lb = URI.create("http://127.0.0.1:" + lbArgs.get(1) + "/mcp");
    }

    @AfterEach
    void stopCluster() throws Exception {
        processes.close();
        for (McpStateServer node : nodes) {
            node.close();
        }
    }

    @Test
    void everyRequestOfASessionWorksWhileRotatingAcrossAllNodes() {
        McpHttpClient client = Clients.session(lb);
        Set<String> servedBy = new HashSet<>();
        Set<String> sessionIdsSeenBySdk = new HashSet<>();
        for (int i = 1; i <= 30; i++) {
            McpHttpClient.Response response = client.post(switch (i % 3) {
                case 0 -> McpHttpClient.toolCall(i, "echo", "{\"text\":\"call " + i + "\"}", null);
                case 1 -> McpHttpClient.toolCall(i, "slow_count", "{\"count\":3,\"interval_ms\":0}", "p" + i);
                default -> McpHttpClient.toolCall(i, "whoami", "{}", null);
            }, Map.of());
            assertThat(response.status()).as("call %d", i).isEqualTo(200);
            servedBy.add(response.node());
            JsonNode result = response.finalResponse(i);
            assertThat(result.has("error")).as("call %d: %s", i, result).isFalse();
            String text = result.at("/result/content/0/text").asText();
            if (i % 3 == 2) {
                sessionIdsSeenBySdk.add(text.substring(0, text.indexOf(' ')));
            } else {
                assertThat(text).isEqualTo(i % 3 == 0 ? "call " + i : "counted 3");
            }
        }
        assertThat(servedBy).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(sessionIdsSeenBySdk).containsExactly("session=" + client.sessionId());
    }

    @Test
    void listeningStreamOnOneNodeGetsNotificationsFromTheOthersOnceInOrderAndResumesElsewhere() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri());
        McpHttpClient viaNode2 = on(1, viaNode1);
        McpHttpClient viaNode3 = on(2, viaNode1);
        viaNode2.callTool("whoami", "{}"); // admits the session on node 2
        viaNode3.callTool("whoami", "{}"); // and on node 3

        List<SseEvent> before = new ArrayList<>();
        try (McpHttpClient.Response reader = viaNode1.get(null)) {
            reader.next(); // priming
            notifyOn(1, "n1");
            notifyOn(2, "n2");
            notifyOn(1, "n3");
            for (int i = 0; i < 3; i++) {
                before.add(reader.nextMessage());
            }
        } // cut
        notifyOn(2, "n4");
        notifyOn(1, "n5");

        List<SseEvent> after = new ArrayList<>();
        try (McpHttpClient.Response reader = viaNode2.get(before.get(2).id())) {
            after.add(reader.nextMessage());
            after.add(reader.nextMessage());
            notifyOn(0, "n6");
            after.add(reader.nextMessage());
        }
        List<SseEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(SseEvent::id).doesNotHaveDuplicates();
        assertThat(all).extracting(e -> json(e).at("/params/data").asText())
                .containsExactly("n1", "n2", "n3", "n4", "n5", "n6");
    }

    @Test
    void listChangedSentOnANodeThatNeverSawTheSessionReachesItsListeningStream() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri());
        try (McpHttpClient.Response reader = viaNode1.get(null)) {
            reader.next(); // priming
            assertThat(filterOf(2).localSessionIds()).doesNotContain(viaNode1.sessionId());

            nodes.get(2).mcp().notifyToolsListChanged();

            SseEvent event = reader.nextMessage();
            assertThat(json(event).get("method").asText()).isEqualTo("notifications/tools/list_changed");
            assertThat(event.id()).startsWith("listen:");
        }
    }

    @Test
    void loggingLevelSetThroughOneNodeAppliesOnEveryNode() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri());
        McpHttpClient viaNode2 = on(1, viaNode1);
        McpHttpClient viaNode3 = on(2, viaNode1);
        assertThat(methodsOf(viaNode2, 1)).contains("notifications/message"); // node 2 holds it at level info

        McpHttpClient.Response set = viaNode1.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\","
                + "\"params\":{\"level\":\"error\"}}", Map.of());
        assertThat(set.status()).isEqualTo(200);

        // other nodes learn the change from the cluster bus, which invalidates the session they remember: at once,
        // but asynchronously, so a request racing the bus message may still see the old level
        java.util.concurrent.atomic.AtomicInteger id = new java.util.concurrent.atomic.AtomicInteger(3);
        for (McpHttpClient other : List.of(viaNode2, viaNode3)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(methodsOf(other, id.getAndIncrement())).contains("notifications/progress")
                            .doesNotContain("notifications/message"));
        }
        assertThat(filterOf(2).localSessionIds()).contains(viaNode1.sessionId());
    }

    /** Runs slow_count(2) and returns the methods of the notifications its stream carried. */
    private static List<String> methodsOf(McpHttpClient client, int id) {
        List<String> methods = new ArrayList<>();
        try (McpHttpClient.Response reader = client.post(McpHttpClient.toolCall(id, "slow_count",
                "{\"count\":2,\"interval_ms\":0}", "p" + id))) {
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                if (json(e).has("method")) {
                    methods.add(json(e).get("method").asText());
                }
            }
        }
        return methods;
    }

    @Test
    void responseStreamCutOnOneNodeResumesThroughTheLoadBalancer() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri());
        McpHttpClient.Response stream = viaNode1.post(McpHttpClient.toolCall(9, "slow_count",
                "{\"count\":10,\"interval_ms\":30}", "t"));
        List<SseEvent> before = new ArrayList<>();
        try (McpHttpClient.Response reader = stream) {
            reader.next();
            while (before.size() < 4) {
                before.add(reader.nextMessage());
            }
        }
        McpHttpClient viaLb = new McpHttpClient(lb);
        viaLb.adopt(viaNode1.sessionId());
        viaLb.callTool("whoami", "{}"); // the LB's first request goes to node-1: move the rotation on
        McpHttpClient.Response resumed = viaLb.get(before.get(3).id());
        assertThat(resumed.header("Mcp-State-Node")).contains("node-2");
        List<SseEvent> after = readAll(resumed);
        List<SseEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(SseEvent::id).doesNotHaveDuplicates();
        assertThat(all.stream().map(MultiNodeIT::json).filter(j -> j.path("method").asText().equals(
                "notifications/progress")).map(j -> j.at("/params/progress").asInt()).toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(json(all.get(all.size() - 1)).at("/result/content/0/text").asText()).isEqualTo("counted 10");
    }

    @Test
    void resumedStreamOfAKilledNodeEndsWithAnErrorWithinTheBound() throws Exception {
        int port = FreePort.find();
        List<String> doomedArgs = new ArrayList<>(nodeArgs(Integer.toString(port), "doomed"));
        doomedArgs.addAll(List.of("--node-dead-after", "2s"));
        Process doomed = processes.start(Processes.SERVER_JAR, "mcp-state-server ready", doomedArgs);
        McpHttpClient viaDoomed = Clients.session(URI.create("http://127.0.0.1:" + port + "/mcp"));
        McpHttpClient.Response stream = viaDoomed.post(McpHttpClient.toolCall(5, "slow_count",
                "{\"count\":1000,\"interval_ms\":50}", "k"));
        String lastSeen;
        try (McpHttpClient.Response reader = stream) {
            reader.next();
            reader.nextMessage();
            lastSeen = reader.nextMessage().id();
        }
        doomed.destroyForcibly().onExit().get(); // kill -9: no goodbye, the heartbeat just stops

        McpHttpClient viaNode2 = on(1, viaDoomed);
        Instant start = Instant.now();
        List<SseEvent> after = readAll(viaNode2.get(lastSeen));
        Duration took = Duration.between(start, Instant.now());
        JsonNode last = json(after.get(after.size() - 1));
        assertThat(last.get("id").asInt()).isEqualTo(5);
        assertThat(last.at("/error/code").asInt()).isEqualTo(-32005);
        // the jar's bound: 2 s without heartbeat (--node-dead-after), plus polling
        assertThat(took).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void elicitationAnsweredOnAnotherNodeCompletesTheToolCall() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri());
        McpHttpClient viaNode2 = on(1, viaNode1);
        McpHttpClient.Response stream = viaNode1.post(McpHttpClient.toolCall(3, "confirm_action",
                "{\"action\":\"deploy\"}", null));
        try (McpHttpClient.Response reader = stream) {
            JsonNode request = json(reader.nextMessage());
            assertThat(request.get("method").asText()).isEqualTo("elicitation/create");
            assertThat(request.get("id").asText()).startsWith("mcps|node-1#");
            McpHttpClient.Response answered = viaNode2.post("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id")
                    + ",\"result\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}", Map.of());
            assertThat(answered.status()).isEqualTo(202);
            assertThat(answered.header("Mcp-State-Node")).contains("node-2");
            JsonNode result = json(reader.nextMessage());
            assertThat(result.get("id").asInt()).isEqualTo(3);
            assertThat(result.at("/result/content/0/text").asText()).isEqualTo("confirmed deploy");
        }
    }

    @Test
    void samplingAnsweredOnAnotherNodeCompletesTheToolCall() {
        McpHttpClient viaNode3 = Clients.session(nodes.get(2).uri());
        McpHttpClient viaNode1 = on(0, viaNode3);
        McpHttpClient.Response stream = viaNode3.post(McpHttpClient.toolCall(4, "ask_model",
                "{\"prompt\":\"2+2?\"}", null));
        try (McpHttpClient.Response reader = stream) {
            JsonNode request = json(reader.nextMessage());
            assertThat(request.get("method").asText()).isEqualTo("sampling/createMessage");
            assertThat(viaNode1.post("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":{\"role\":"
                    + "\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"4\"},\"model\":\"test-model\"}}",
                    Map.of()).status()).isEqualTo(202);
            JsonNode result = json(reader.nextMessage());
            assertThat(result.at("/result/content/0/text").asText()).isEqualTo("model test-model said: 4");
        }
    }

    @Test
    void deleteOnOneNodeIsNotFoundOnAllThree() {
        McpHttpClient viaNode1 = Clients.session(nodes.get(0).uri());
        for (int i = 0; i < 3; i++) {
            on(i, viaNode1).callTool("whoami", "{}");
        }
        assertThat(on(1, viaNode1).delete().status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            McpHttpClient client = on(i, viaNode1);
            assertThat(client.post(McpHttpClient.toolCall(20 + i, "echo", "{\"text\":\"x\"}", null), Map.of())
                    .status()).as("node %d", i + 1).isEqualTo(404);
            assertThat(client.get(null).status()).isEqualTo(404);
            McpStateFilter filter = filterOf(i);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !filter.localSessionIds().contains(viaNode1.sessionId()));
        }
    }

    @Test
    void concurrentFirstRequestsOnThreeNodesAdmitExactlyOneSdkSessionPerNode() throws Exception {
        McpHttpClient creator = Clients.session(nodes.get(0).uri());
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                McpHttpClient client = on(i % 3, creator);
                int id = 100 + i;
                calls.add(() -> client.post(McpHttpClient.toolCall(id, "whoami", "{}", null), Map.of()).status());
            }
            for (Future<Integer> status : pool.invokeAll(calls)) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(filterOf(i).localSessionIds()).containsOnlyOnce(creator.sessionId());
        }
        assertThat(filterOf(1).admissions()).isEqualTo(1);
        assertThat(filterOf(2).admissions()).isEqualTo(1);
    }

    private McpStateFilter filterOf(int node) {
        return nodes.get(node).state().filters().get(0);
    }

    private McpHttpClient on(int node, McpHttpClient session) {
        McpHttpClient client = new McpHttpClient(nodes.get(node).uri());
        client.adopt(session.sessionId());
        return client;
    }

    private void notifyOn(int node, String data) {
        nodes.get(node).notifyClients("notifications/message", Map.of("level", "info", "data", data));
    }

    private static List<SseEvent> readAll(McpHttpClient.Response response) {
        assertThat(response.status()).isEqualTo(200);
        List<SseEvent> events = new ArrayList<>();
        try (McpHttpClient.Response reader = response) {
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                events.add(e);
            }
        }
        return events;
    }

    private static JsonNode json(SseEvent event) {
        return Json.parseOrNull(event.data());
    }
}
