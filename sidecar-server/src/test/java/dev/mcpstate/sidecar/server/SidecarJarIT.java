package dev.mcpstate.sidecar.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.sidecar.SidecarTools;
import dev.mcpstate.sidecar.ToolHarness;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestServer;
import dev.mcpstate.testing.TestJvm;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shaded jar, run with {@code java -jar} as users run it: over HTTP and over stdio. */
class SidecarJarIT {

    private static final Path JAR = Path.of(System.getProperty("sidecar.jar", "target/mcp-state-sidecar.jar"));

    @TempDir
    Path dir;

    private Process process;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopProcess() throws InterruptedException {
        if (process != null) {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the server exits on SIGTERM").isTrue();
        }
    }

    @Test
    void theJarServesHttpOnSqliteAndPrintsOneReadyLine() throws Exception {
        int port = FreePort.find();
        startJar(Map.of("DB_PATH", dir.resolve("jar.db").toString()), "--port", Integer.toString(port));
        String ready = awaitReadyLine();
        assertThat(ready).isEqualTo("mcp-state sidecar ready url=http://127.0.0.1:" + port + "/mcp backend=sqlite:"
                + dir.resolve("jar.db"));

        try (Client client = Client.http(port)) {
            assertThat(client.mcp.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrderElementsOf(SidecarTools.toolNames());
            client.tools.call("state_set", "key", "jar", "value", Map.of("ok", true));
            assertThat(client.tools.call("state_get", "key", "jar").get("value").get("ok").asBoolean()).isTrue();
            assertThat(client.tools.call("sidecar_health").get("backend").asText()).isEqualTo("sqlite");
        }
        assertThat(stdout).as("exactly one line on stdout").hasSize(1);
        assertThat(Files.exists(dir.resolve("jar.db"))).isTrue();
    }

    @Test
    void theJarReadsItsBackendAndLogFormatFromTheEnvironment() throws Exception {
        RedisTestServer.flushAll();
        int port = FreePort.find();
        startJar(Map.of("STATE_BACKEND", "redis", "REDIS_URL", RedisTestServer.url(),
                "SIDECAR_PORT", Integer.toString(port), "SIDECAR_ALLOW_RESET", "true", "MCP_STATE_LOG_FORMAT", "json"));
        assertThat(awaitReadyLine()).contains("url=http://127.0.0.1:" + port + "/mcp").contains("backend=redis:");
        try (Client client = Client.http(port)) {
            JsonNode health = client.tools.call("sidecar_health");
            assertThat(health.get("backend").asText()).isEqualTo("redis");
            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(client.tools.call("sidecar_reset").get("scope").asText()).isEqualTo("anonymous");
        }
        List<String> logged = Files.readAllLines(dir.resolve("stderr.log")).stream().filter(l -> !l.isBlank()).toList();
        assertThat(logged).isNotEmpty().allSatisfy(line -> {
            JsonNode entry = McpJsonDefaults.getMapper().readValue(line, JsonNode.class);
            assertThat(entry.path("level").asText()).isNotEmpty();
            assertThat(entry.has("formattedMessage")).as(line).isTrue();
        });
        assertThat(logged).anySatisfy(line -> assertThat(line).contains("sidecar started"));
    }

    @Test
    void theJarServesStdio() throws Exception {
        List<String> command = TestJvm.javaJar(JAR, "--stdio", "--db", dir.resolve("stdio.db").toString());
        ServerParameters params = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()).toArray(String[]::new))
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient mcp = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        try {
            mcp.initialize();
            assertThat(mcp.listTools().tools()).hasSize(SidecarTools.toolNames().size());
            ToolHarness tools = ToolHarness.via(mcp::callTool);
            tools.call("session_save", "session_id", "s", "context", Map.of("goal", "stdio"));
            assertThat(tools.call("session_restore", "session_id", "s").get("context").get("goal").asText())
                    .isEqualTo("stdio");
            assertThat(tools.error("sidecar_reset")).as("stdio needs --allow-reset too").contains("refused");
        } finally {
            mcp.closeGracefully();
        }
        assertThat(stderr).anySatisfy(line -> assertThat(line).startsWith("mcp-state sidecar ready transport=stdio"));
    }

    @Test
    void helpPrintsUsageAndExitsZero() throws Exception {
        Process help = new ProcessBuilder(TestJvm.javaJar(JAR, "--help")).redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(out).contains("Usage: java -jar mcp-state-sidecar.jar").contains("STATE_BACKEND").contains("--stdio");
    }

    private void startJar(Map<String, String> env, String... args) throws IOException {
        assertThat(JAR).as("the shaded jar (built by package)").exists();
        List<String> command = TestJvm.javaJar(JAR, args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("stderr.log").toFile());
        builder.environment().putAll(env);
        process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    stdout.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "sidecar-jar-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private String awaitReadyLine() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .failFast("the server exited", () -> !process.isAlive())
                .until(() -> !stdout.isEmpty());
        return stdout.get(0);
    }

    /** An MCP client over Streamable HTTP. */
    private record Client(McpSyncClient mcp, ToolHarness tools) implements AutoCloseable {
        static Client http(int port) {
            McpSyncClient mcp = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                    .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(20)).build();
            mcp.initialize();
            return new Client(mcp, ToolHarness.via(mcp::callTool));
        }

        @Override
        public void close() {
            mcp.closeGracefully();
        }
    }
}
