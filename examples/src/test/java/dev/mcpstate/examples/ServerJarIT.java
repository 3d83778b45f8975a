package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.testing.PrometheusText;

import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestCluster;
import dev.mcpstate.testing.RedisTestServer;
import dev.mcpstate.testing.TestJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar examples/target/mcp-state-server.jar} works as the README says, on SQLite, on Redis and on a Redis
 * Cluster.
 */
class ServerJarIT {

    private static final Path JAR = Path.of("target", "mcp-state-server.jar");

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void helpDescribesEveryOption() throws Exception {
        Process p = launch(List.of("--help"), dir);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("--host", "MCP_STATE_HOST", "--port", "MCP_STATE_PORT", "--store", "MCP_STATE_STORE",
                "--db", "MCP_STATE_DB", "--redis-url", "REDIS_URL", "--node-id", "MCP_STATE_NODE_ID");
    }

    @Test
    void badOptionExitsWith2AndSaysWhy() throws Exception {
        Process p = launch(List.of("--store", "mongodb"), dir);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("server.err"));
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err).contains("--store must be sqlite, redis or memory");
    }

    @Test
    void servesOnSqliteByDefaultInTheWorkingDirectory() throws Exception {
        int port = FreePort.find();
        String ready = startAndAwaitReady(List.of("--port", Integer.toString(port)));
        assertThat(ready).contains("url=http://127.0.0.1:" + port + "/mcp").contains("store=sqlite:mcp-state.db");
        roundTrip(port);
        assertThat(Files.exists(dir.resolve("mcp-state.db"))).isTrue();
    }

    @Test
    void servesOnRedis() throws Exception {
        RedisTestServer.flushAll();
        int port = FreePort.find();
        String ready = startAndAwaitReady(List.of("--port", Integer.toString(port), "--store", "redis",
                "--redis-url", RedisTestServer.url(), "--node-id", "jar-node"));
        assertThat(ready).contains("store=redis:").contains("node=jar-node");
        roundTrip(port);
    }

    @Test
    void withLogFormatJsonEveryLogLineIsAJsonObjectWithTheRequestIdAndItServesHealthAndMetrics() throws Exception {
        int port = FreePort.find();
        startAndAwaitReady(List.of("--port", Integer.toString(port), "--log-format", "json"));
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        McpHttpClient client = new McpHttpClient(base.resolve("mcp")).header("X-Request-Id", "jar-trace-1")
                .open("jar-json", "{}");
        assertThat(client.callTool("echo", "{\"text\":\"json\"}").at("/result/content/0/text").asText())
                .isEqualTo("json");

        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(HttpRequest.newBuilder(base.resolve("health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = http.send(HttpRequest.newBuilder(base.resolve("metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(PrometheusText.sum(scrape, "mcp_server_operation_duration_seconds_count",
                    "mcp_method_name=\"tools/call\"", "gen_ai_tool_name=\"echo\"")).isEqualTo(1);
            assertThat(PrometheusText.sum(scrape, "mcp_server_operation_duration_seconds_count",
                    "mcp_method_name=\"initialize\"")).isEqualTo(1);
            assertThat(scrape).contains("jetty_threads_current");
        });

        List<String> lines = Files.readAllLines(dir.resolve("server.err")).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        List<JsonNode> entries = new ArrayList<>();
        for (String line : lines) {
            entries.add(Json.MAPPER.readTree(line)); // throws on a line that is not JSON
        }
        assertThat(entries).allSatisfy(e -> assertThat(e.path("level").asText()).isNotEmpty());
        assertThat(entries).filteredOn(e -> e.path("formattedMessage").asText().startsWith("session initialized"))
                .singleElement().satisfies(e -> {
                    assertThat(e.at("/mdc/request_id").asText()).isEqualTo("jar-trace-1");
                    assertThat(e.at("/mdc/mcp_session_id").asText()).isEqualTo(client.sessionId());
                });
    }

    @Test
    void servesOnARedisClusterGivenItsSeeds() throws Exception {
        RedisTestCluster.flushAll();
        int port = FreePort.find();
        String ready = startAndAwaitReady(List.of("--port", Integer.toString(port), "--redis-cluster",
                RedisTestCluster.seedList(), "--node-id", "cluster-node"));
        assertThat(ready).contains("store=redis-cluster:redis://").contains("node=cluster-node");
        roundTrip(port);
    }

    private void roundTrip(int port) {
        McpHttpClient client = Clients.session(URI.create("http://127.0.0.1:" + port + "/mcp"));
        assertThat(client.callTool("echo", "{\"text\":\"jar\"}").at("/result/content/0/text").asText())
                .isEqualTo("jar");
        assertThat(client.callTool("slow_count", "{\"count\":3,\"interval_ms\":1}")
                .at("/result/content/0/text").asText()).isEqualTo("counted 3");
    }

    private String startAndAwaitReady(List<String> args) throws Exception {
        Process p = launch(args, dir);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertThat(line).as("ready line").isNotNull().startsWith("mcp-state-server ready:");
        return line;
    }

    private Process launch(List<String> args, Path workDir) throws IOException {
        List<String> command = TestJvm.javaJar(JAR.toAbsolutePath());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectError(workDir.resolve("server.err").toFile());
        builder.environment().remove("REDIS_URL");
        builder.environment().remove("MCP_STATE_STORE");
        Process p = builder.start();
        processes.add(p);
        return p;
    }
}
