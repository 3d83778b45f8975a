package dev.mcpstate.demo.prreview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarClient;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarException;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same flows with the sidecar on three nodes: three standalone sidecars ({@code mcp-state-sidecar.jar}, the
 * sidecar tools behind the mcp-state session filter) on one Redis, behind the round-robin load balancer
 * ({@code mcp-state-lb.jar}), all real processes. The nodes authenticate their callers ({@code --auth-tokens}), as a
 * shared sidecar would in production; the dashboard and every agent show one bearer token
 * ({@code --sidecar-token-file}) and talk to the load balancer only, so consecutive calls of one MCP session land
 * on different nodes.
 */
class PrReviewClusterIT extends LiveDemo {

    @TempDir
    static Path dir;
    private static final List<JarProcess> processes = new ArrayList<>();
    private static final List<URI> nodes = new ArrayList<>();
    private static final String TOKEN = "pr-review-demo-token-0123456789";

    @BeforeAll
    static void startCluster() throws Exception {
        RedisTestServer.flushAll();
        String redis = RedisTestServer.url();
        Path tokens = Files.writeString(dir.resolve("auth-tokens"), TOKEN + " pr-review\n");
        Path token = Files.writeString(dir.resolve("sidecar-token"), TOKEN + "\n");
        List<String> lbArgs = new ArrayList<>(List.of("--port", Integer.toString(FreePort.find())));
        List<CompletableFuture<JarProcess>> starting = new ArrayList<>();
        ExecutorService launcher = Executors.newFixedThreadPool(4); // the common pool has one thread on two cores
        for (int i = 1; i <= 3; i++) {
            int port = FreePort.find();
            String node = "node-" + i;
            starting.add(CompletableFuture.supplyAsync(() -> start("sidecar.jar", "mcp-state sidecar ready",
                    List.of("--port", Integer.toString(port), "--backend", "redis", "--redis-url", redis,
                            "--auth-tokens", tokens.toString()), node), launcher));
            nodes.add(URI.create("http://127.0.0.1:" + port + "/mcp"));
            lbArgs.add("--backend");
            lbArgs.add("http://127.0.0.1:" + port);
        }
        starting.add(CompletableFuture.supplyAsync(() -> start("lb.jar", "mcp-state-lb listening on", lbArgs, "lb"),
                launcher));
        Exception failure = null;
        for (CompletableFuture<JarProcess> process : starting) { // all four start at once; all are kept to stop
            try {
                processes.add(process.get(90, TimeUnit.SECONDS));
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        launcher.shutdown();
        if (failure != null) {
            throw failure;
        }
        URI lb = URI.create("http://127.0.0.1:" + lbArgs.get(1) + "/mcp");
        use(PrReviewDemo.start(Scenarios.options(dir, lb, "--sidecar-token-file", token.toString())));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        stopDemo();
        for (JarProcess process : processes) {
            process.close();
        }
    }

    private static JarProcess start(String jar, String ready, List<String> args, String name) {
        try {
            return JarProcess.start(jar, ready, args, dir.resolve(name + ".err"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    @Test
    void raceThenCrashOnThreeNodesBehindTheLoadBalancer() throws Exception {
        int rounds = 20; // as many as on the embedded sidecar (PrReviewApiIT)
        int contested = Scenarios.race(api, events, rounds);
        System.out.println("race on three nodes: " + contested + " of " + rounds + " rounds saw a refused claim");
        Scenarios.crashAndRecover(api, events, demo.sidecarUrl(), TOKEN, 0); // the three racers wait for the next run

        String demoId = api.state().path("demo_id").asText();
        for (URI node : nodes) {
            assertThatThrownBy(() -> SidecarClient.connect(node, "anonymous", Duration.ofSeconds(10),
                    SidecarClient.CallListener.NONE)).as("no token").isInstanceOf(SidecarException.class);
            try (SidecarClient direct = SidecarClient.connect(node, TOKEN, "test", Duration.ofSeconds(10),
                    SidecarClient.CallListener.NONE)) {
                assertThat(direct.call("sidecar_health", Map.of()).path("backend").asText()).isEqualTo("redis");
                JsonNode runs = direct.call("workflow_discover", Map.of("tags", Map.of("demo", demoId),
                        "status", "completed")).path("runs");
                assertThat(runs).as("completed runs seen by %s", node).hasSize(rounds + 3);
            }
        }
    }
}
