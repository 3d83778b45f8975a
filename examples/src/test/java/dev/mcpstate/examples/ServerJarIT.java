package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;

import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestCluster;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toAbsolutePath().toString()));
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
