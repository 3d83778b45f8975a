package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.McpHttp.Event;
import dev.mcpstate.examples.McpHttp.SseReader;
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
 * works on whichever node it lands.
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

    @BeforeEach
    void startCluster() throws Exception {
        RedisTestServer.flushAll();
        processes = new Processes(dir);
        List<String> lbArgs = new ArrayList<>(List.of("--port", Integer.toString(FreePort.find())));
        for (int i = 1; i <= 3; i++) {
            McpStateServer node = McpStateServer.start(ServerOptions.parse(new String[] {"--port", "0", "--store",
                "redis", "--redis-url", RedisTestServer.url(), "--node-id", "node-" + i}, Map.of()), FAST);
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
        McpHttp client = new McpHttp(lb).open();
        Set<String> servedBy = new HashSet<>();
        Set<String> sessionIdsSeenBySdk = new HashSet<>();
        for (int i = 1; i <= 30; i++) {
            HttpResponse<String> response = client.post(switch (i % 3) {
                case 0 -> McpHttp.toolCall(i, "echo", "{\"text\":\"call " + i + "\"}", null);
                case 1 -> McpHttp.toolCall(i, "slow_count", "{\"count\":3,\"interval_ms\":0}", "p" + i);
                default -> McpHttp.toolCall(i, "whoami", "{}", null);
            }, Map.of());
            assertThat(response.statusCode()).as("call %d", i).isEqualTo(200);
            servedBy.add(response.headers().firstValue("Mcp-State-Node").orElseThrow());
            JsonNode result = finalResult(response.body(), i);
            assertThat(result.has("error")).as("call %d: %s", i, result).isFalse();
            String text = result.at("/result/content/0/text").asText();
            if (i % 3 == 2) {
                sessionIdsSeenBySdk.add(text.substring(0, text.indexOf(' ')));
            } else {
                assertThat(text).isEqualTo(i % 3 == 0 ? "call " + i : "counted 3");
            }
        }
        assertThat(servedBy).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(sessionIdsSeenBySdk).containsExactly("session=" + client.sessionId);
    }

    @Test
    void listeningStreamOnOneNodeGetsNotificationsFromTheOthersOnceInOrderAndResumesElsewhere() {
        McpHttp viaNode1 = new McpHttp(nodes.get(0).uri()).open();
        McpHttp viaNode2 = on(1, viaNode1);
        McpHttp viaNode3 = on(2, viaNode1);
        viaNode2.callTool(1, "whoami", "{}"); // admits the session on node 2
        viaNode3.callTool(2, "whoami", "{}"); // and on node 3

        List<Event> before = new ArrayList<>();
        try (SseReader reader = new SseReader(viaNode1.get(null).body())) {
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

        List<Event> after = new ArrayList<>();
        try (SseReader reader = new SseReader(viaNode2.get(before.get(2).id()).body())) {
            after.add(reader.nextMessage());
            after.add(reader.nextMessage());
            notifyOn(0, "n6");
            after.add(reader.nextMessage());
        }
        List<Event> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(Event::id).doesNotHaveDuplicates();
        assertThat(all).extracting(e -> e.json().at("/params/data").asText())
                .containsExactly("n1", "n2", "n3", "n4", "n5", "n6");
    }

    @Test
    void listChangedSentOnANodeThatNeverSawTheSessionReachesItsListeningStream() {
        McpHttp viaNode1 = new McpHttp(nodes.get(0).uri()).open();
        try (SseReader reader = new SseReader(viaNode1.get(null).body())) {
            reader.next(); // priming
            assertThat(filterOf(2).localSessionIds()).doesNotContain(viaNode1.sessionId);

            nodes.get(2).mcp().notifyToolsListChanged();

            Event event = reader.nextMessage();
            assertThat(event.json().get("method").asText()).isEqualTo("notifications/tools/list_changed");
            assertThat(event.id()).startsWith("listen:");
        }
    }

    @Test
    void loggingLevelSetThroughOneNodeAppliesOnEveryNode() {
        McpHttp viaNode1 = new McpHttp(nodes.get(0).uri()).open();
        McpHttp viaNode2 = on(1, viaNode1);
        McpHttp viaNode3 = on(2, viaNode1);
        assertThat(methodsOf(viaNode2, 1)).contains("notifications/message"); // node 2 holds it at level info

        HttpResponse<String> set = viaNode1.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\","
                + "\"params\":{\"level\":\"error\"}}", Map.of());
        assertThat(set.statusCode()).isEqualTo(200);

        assertThat(methodsOf(viaNode2, 3)).contains("notifications/progress").doesNotContain("notifications/message");
        assertThat(methodsOf(viaNode3, 4)).contains("notifications/progress").doesNotContain("notifications/message");
        assertThat(filterOf(2).localSessionIds()).contains(viaNode1.sessionId);
    }

    /** Runs slow_count(2) and returns the methods of the notifications its stream carried. */
    private static List<String> methodsOf(McpHttp client, int id) {
        List<String> methods = new ArrayList<>();
        try (SseReader reader = new SseReader(client.postStream(McpHttp.toolCall(id, "slow_count",
                "{\"count\":2,\"interval_ms\":0}", "p" + id)).body())) {
            for (Event e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                if (e.json().has("method")) {
                    methods.add(e.json().get("method").asText());
                }
            }
        }
        return methods;
    }

    @Test
    void responseStreamCutOnOneNodeResumesThroughTheLoadBalancer() {
        McpHttp viaNode1 = new McpHttp(nodes.get(0).uri()).open();
        HttpResponse<InputStream> stream = viaNode1.postStream(McpHttp.toolCall(9, "slow_count",
                "{\"count\":10,\"interval_ms\":30}", "t"));
        List<Event> before = new ArrayList<>();
        try (SseReader reader = new SseReader(stream.body())) {
            reader.next();
            while (before.size() < 4) {
                before.add(reader.nextMessage());
            }
        }
        McpHttp viaLb = new McpHttp(lb);
        viaLb.sessionId = viaNode1.sessionId;
        viaLb.callTool(10, "whoami", "{}"); // the LB's first request goes to node-1: move the rotation on
        HttpResponse<InputStream> resumed = viaLb.get(before.get(3).id());
        assertThat(resumed.headers().firstValue("Mcp-State-Node")).contains("node-2");
        List<Event> after = readAll(resumed);
        List<Event> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(Event::id).doesNotHaveDuplicates();
        assertThat(all.stream().map(Event::json).filter(j -> j.path("method").asText().equals(
                "notifications/progress")).map(j -> j.at("/params/progress").asInt()).toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(all.get(all.size() - 1).json().at("/result/content/0/text").asText()).isEqualTo("counted 10");
    }

    @Test
    void resumedStreamOfAKilledNodeEndsWithAnErrorWithinTheBound() throws Exception {
        int port = FreePort.find();
        Process doomed = processes.start(Processes.SERVER_JAR, "mcp-state-server ready", List.of("--port",
                Integer.toString(port),
                "--store", "redis", "--redis-url", RedisTestServer.url(), "--node-id", "doomed"));
        McpHttp viaDoomed = new McpHttp(URI.create("http://127.0.0.1:" + port + "/mcp")).open();
        HttpResponse<InputStream> stream = viaDoomed.postStream(McpHttp.toolCall(5, "slow_count",
                "{\"count\":1000,\"interval_ms\":50}", "k"));
        String lastSeen;
        try (SseReader reader = new SseReader(stream.body())) {
            reader.next();
            reader.nextMessage();
            lastSeen = reader.nextMessage().id();
        }
        doomed.destroyForcibly().onExit().get(); // kill -9: no goodbye, the heartbeat just stops

        McpHttp viaNode2 = on(1, viaDoomed);
        Instant start = Instant.now();
        List<Event> after = readAll(viaNode2.get(lastSeen));
        Duration took = Duration.between(start, Instant.now());
        JsonNode last = after.get(after.size() - 1).json();
        assertThat(last.get("id").asInt()).isEqualTo(5);
        assertThat(last.at("/error/code").asInt()).isEqualTo(-32005);
        // the jar runs with the default bound: 5 s without heartbeat, plus polling
        assertThat(took).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void elicitationAnsweredOnAnotherNodeCompletesTheToolCall() {
        McpHttp viaNode1 = new McpHttp(nodes.get(0).uri()).open();
        McpHttp viaNode2 = on(1, viaNode1);
        HttpResponse<InputStream> stream = viaNode1.postStream(McpHttp.toolCall(3, "confirm_action",
                "{\"action\":\"deploy\"}", null));
        try (SseReader reader = new SseReader(stream.body())) {
            JsonNode request = reader.nextMessage().json();
            assertThat(request.get("method").asText()).isEqualTo("elicitation/create");
            assertThat(request.get("id").asText()).startsWith("mcps|node-1#");
            HttpResponse<String> answered = viaNode2.post("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id")
                    + ",\"result\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}", Map.of());
            assertThat(answered.statusCode()).isEqualTo(202);
            assertThat(answered.headers().firstValue("Mcp-State-Node")).contains("node-2");
            JsonNode result = reader.nextMessage().json();
            assertThat(result.get("id").asInt()).isEqualTo(3);
            assertThat(result.at("/result/content/0/text").asText()).isEqualTo("confirmed deploy");
        }
    }

    @Test
    void samplingAnsweredOnAnotherNodeCompletesTheToolCall() {
        McpHttp viaNode3 = new McpHttp(nodes.get(2).uri()).open();
        McpHttp viaNode1 = on(0, viaNode3);
        HttpResponse<InputStream> stream = viaNode3.postStream(McpHttp.toolCall(4, "ask_model",
                "{\"prompt\":\"2+2?\"}", null));
        try (SseReader reader = new SseReader(stream.body())) {
            JsonNode request = reader.nextMessage().json();
            assertThat(request.get("method").asText()).isEqualTo("sampling/createMessage");
            assertThat(viaNode1.post("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":{\"role\":"
                    + "\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"4\"},\"model\":\"test-model\"}}",
                    Map.of()).statusCode()).isEqualTo(202);
            JsonNode result = reader.nextMessage().json();
            assertThat(result.at("/result/content/0/text").asText()).isEqualTo("model test-model said: 4");
        }
    }

    @Test
    void deleteOnOneNodeIsNotFoundOnAllThree() {
        McpHttp viaNode1 = new McpHttp(nodes.get(0).uri()).open();
        for (int i = 0; i < 3; i++) {
            on(i, viaNode1).callTool(10 + i, "whoami", "{}");
        }
        assertThat(on(1, viaNode1).delete().statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            McpHttp client = on(i, viaNode1);
            assertThat(client.post(McpHttp.toolCall(20 + i, "echo", "{\"text\":\"x\"}", null), Map.of())
                    .statusCode()).as("node %d", i + 1).isEqualTo(404);
            assertThat(client.getString(null).statusCode()).isEqualTo(404);
            McpStateFilter filter = filterOf(i);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !filter.localSessionIds().contains(viaNode1.sessionId));
        }
    }

    @Test
    void concurrentFirstRequestsOnThreeNodesAdmitExactlyOneSdkSessionPerNode() throws Exception {
        McpHttp creator = new McpHttp(nodes.get(0).uri()).open();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                McpHttp client = on(i % 3, creator);
                int id = 100 + i;
                calls.add(() -> client.post(McpHttp.toolCall(id, "whoami", "{}", null), Map.of()).statusCode());
            }
            for (Future<Integer> status : pool.invokeAll(calls)) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(filterOf(i).localSessionIds()).containsOnlyOnce(creator.sessionId);
        }
        assertThat(filterOf(1).admissions()).isEqualTo(1);
        assertThat(filterOf(2).admissions()).isEqualTo(1);
    }

    private McpStateFilter filterOf(int node) {
        return nodes.get(node).state().filters().get(0);
    }

    private McpHttp on(int node, McpHttp session) {
        McpHttp client = new McpHttp(nodes.get(node).uri());
        client.sessionId = session.sessionId;
        return client;
    }

    private void notifyOn(int node, String data) {
        nodes.get(node).notifyClients("notifications/message", Map.of("level", "info", "data", data));
    }

    private static List<Event> readAll(HttpResponse<InputStream> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        List<Event> events = new ArrayList<>();
        try (SseReader reader = new SseReader(response.body())) {
            for (Event e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                events.add(e);
            }
        }
        return events;
    }

    private static JsonNode finalResult(String sseBody, int id) {
        try (SseReader reader = new SseReader(new java.io.ByteArrayInputStream(
                sseBody.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            for (Event e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                JsonNode json = e.json();
                if (json.has("id") && json.get("id").asInt() == id) {
                    return json;
                }
            }
        }
        throw new AssertionError("no response to " + id + " in " + sseBody);
    }
}
