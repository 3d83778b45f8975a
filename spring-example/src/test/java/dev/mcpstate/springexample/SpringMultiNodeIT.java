package dev.mcpstate.springexample;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.mcpstate.springexample.SpringRestartIT.json;
import static dev.mcpstate.springexample.SpringRestartIT.readAll;
import static dev.mcpstate.springexample.SpringRestartIT.text;
import static dev.mcpstate.springexample.SpringRestartIT.toolNames;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Spring Boot example nodes on one Redis behind the round-robin load balancer (no stickiness, active health
 * checks on the starter's Actuator health): every request of a session works on whichever node it lands, a cut
 * stream resumes on another node, and the state-sidecar tools ({@code mcp-state.sidecar.enabled=true}) share their
 * state across the nodes. One cluster serves every test of the class; each test opens its own sessions.
 */
class SpringMultiNodeIT {

    @TempDir
    static Path dir;
    private static Jars jars;
    private static final List<URI> nodes = new ArrayList<>();
    private static URI lb;

    @BeforeAll
    static void startCluster() throws Exception {
        Jars.requireBuilt(Jars.LB_JAR);
        RedisTestServer.flushAll();
        jars = new Jars(dir);
        List<CompletableFuture<Jars.Running>> starting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String nodeId = "node-" + i;
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return jars.server("--mcp-state.store=redis", "--mcp-state.redis-url=" + RedisTestServer.url(),
                            "--mcp-state.node-id=" + nodeId, "--mcp-state.sidecar.enabled=true");
                } catch (Exception e) {
                    throw new IllegalStateException(nodeId + " did not start", e);
                }
            }));
        }
        int lbPort = FreePort.find();
        List<String> lbArgs = new ArrayList<>(List.of("--port", Integer.toString(lbPort),
                "--health-check-path", "/actuator/health/mcpState", "--health-check-interval-millis", "500"));
        for (CompletableFuture<Jars.Running> node : starting) {
            URI url = node.join().url();
            nodes.add(url);
            lbArgs.add("--backend");
            lbArgs.add("http://" + url.getAuthority());
        }
        jars.start(Jars.LB_JAR, "mcp-state-lb listening on", lbArgs);
        lb = URI.create("http://127.0.0.1:" + lbPort + "/mcp");
    }

    @AfterAll
    static void stopCluster() {
        if (jars != null) {
            jars.close();
        }
    }

    @Test
    void everyRequestOfASessionWorksWhileRotatingAcrossAllNodes() {
        McpHttpClient client = new McpHttpClient(lb).open();
        Set<String> servedBy = new HashSet<>();
        Set<String> sessionIdsSeenByTheServer = new HashSet<>();
        for (int i = 1; i <= 30; i++) {
            McpHttpClient.Response response = client.post(switch (i % 3) {
                case 0 -> McpHttpClient.toolCall(i, "echo", "{\"text\":\"call " + i + "\"}", null);
                case 1 -> McpHttpClient.toolCall(i, "slow_count", "{\"count\":3,\"interval_ms\":0}", "p" + i);
                default -> McpHttpClient.toolCall(i, "whoami", "{}", null);
            }, Map.of());
            assertThat(response.status()).as("call %d", i).isEqualTo(200);
            servedBy.add(response.node());
            String answer = text(response.finalResponse(i));
            if (i % 3 == 2) {
                sessionIdsSeenByTheServer.add(answer.substring(0, answer.indexOf(' ')));
            } else {
                assertThat(answer).isEqualTo(i % 3 == 0 ? "call " + i : "counted 3");
            }
        }
        assertThat(servedBy).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        assertThat(sessionIdsSeenByTheServer).containsExactly("session=" + client.sessionId());
    }

    @Test
    void responseStreamCutOnOneNodeResumesOnAnother() {
        McpHttpClient viaNode1 = new McpHttpClient(nodes.get(0)).open();
        List<SseEvent> before = new ArrayList<>();
        try (McpHttpClient.Response reader = viaNode1.post(McpHttpClient.toolCall(5, "slow_count",
                "{\"count\":10,\"interval_ms\":30}", "t"))) {
            reader.next(); // priming
            while (before.size() < 4) {
                before.add(reader.nextMessage());
            }
        } // cut while node-1 keeps counting
        McpHttpClient viaNode2 = new McpHttpClient(nodes.get(1)).adopt(viaNode1.sessionId());
        McpHttpClient.Response resumed = viaNode2.get(before.get(3).id());
        assertThat(resumed.node()).isEqualTo("node-2");
        List<SseEvent> all = new ArrayList<>(before);
        all.addAll(readAll(resumed));
        assertThat(all).extracting(SseEvent::id).doesNotHaveDuplicates();
        assertThat(all.stream().map(SpringRestartIT::json)
                .filter(j -> j.path("method").asText().equals("notifications/progress"))
                .map(j -> j.at("/params/progress").asInt()).toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(json(all.get(all.size() - 1)).at("/result/content/0/text").asText()).isEqualTo("counted 10");
    }

    @Test
    void sidecarToolsAreListedAndTheirStateIsSharedByTheNodes() {
        McpHttpClient viaLb = new McpHttpClient(lb).open();
        assertThat(toolNames(viaLb)).contains("echo", "slow_count", "whoami", "state_set", "state_get",
                "workflow_create", "lease_acquire");

        McpHttpClient viaNode1 = new McpHttpClient(nodes.get(0)).open();
        JsonNode set = viaNode1.callTool("state_set", "{\"key\":\"spring/config\",\"value\":{\"replicas\":3}}");
        assertThat(set.at("/result/structuredContent/ok").asBoolean()).as("%s", set).isTrue();

        McpHttpClient viaNode3 = new McpHttpClient(nodes.get(2)).open();
        JsonNode got = viaNode3.callTool("state_get", "{\"key\":\"spring/config\"}");
        assertThat(got.at("/result/structuredContent/found").asBoolean()).as("%s", got).isTrue();
        assertThat(got.at("/result/structuredContent/value/replicas").asInt()).isEqualTo(3);
        assertThat(got.at("/result/structuredContent/version").asLong())
                .isEqualTo(set.at("/result/structuredContent/version").asLong());
    }
}
