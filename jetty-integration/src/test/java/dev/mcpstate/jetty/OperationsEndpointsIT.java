package dev.mcpstate.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link McpStateJetty#mountOperations} and {@link McpStateJetty#instrument} on a real Jetty on loopback, over a real
 * SQLite file, with a real HTTP client: the filter's meters, Jetty's and the JVM's in the Prometheus scrape after real
 * calls; readiness that follows the SQLite file's writability; liveness; request ids.
 */
class OperationsEndpointsIT {

    private static final ObjectMapper JSON = Json.MAPPER;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private McpStateJetty state;
    private McpSyncServer mcp;
    private Server jetty;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        state = McpStateJetty.builder().storage(StorageConfig.sqlite(dir.resolve("state.db")))
                .config(InterceptorConfig.builder().nodeId("ops-1").meterRegistry(registry).build()).build();
        var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        mcp = McpServer.sync(transport).serverInfo("ops", "1.0").tools(echo()).build();
        ServletContextHandler context = new ServletContextHandler();
        state.mount(context, "/mcp", transport);
        state.mountOperations(context, registry);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(context);
        state.harden(jetty);
        state.instrument(jetty);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("state.db"), PosixFilePermissions.fromString("rw-r--r--"));
        jetty.stop();
        mcp.closeGracefully();
        state.close();
    }

    @Test
    void theScrapeShowsTheFiltersJettysAndTheJvmsMetersAfterRealCalls() throws Exception {
        HttpResponse<String> init = post(null, "trace-42", """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"ops-it","version":"1"}}}""");
        assertThat(init.headers().firstValue("X-Request-Id")).hasValue("trace-42");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(session, null, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{32}");
        for (int id = 1; id <= 3; id++) {
            HttpResponse<String> call = post(session, null, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}");
            assertThat(call.body()).contains("\"text\":\"hi\"");
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(PrometheusText.sum(scrape(),
                "mcp_server_operation_duration_seconds_count", "mcp_method_name=\"tools/call\"",
                "gen_ai_tool_name=\"echo\"")).isEqualTo(3));
        String scrape = scrape();
        assertThat(PrometheusText.sum(scrape, "mcp_server_operation_duration_seconds_bucket", "gen_ai_tool_name=\"echo\"",
                "le=\"300.0\"")).isEqualTo(3);
        assertThat(PrometheusText.sum(scrape, "mcp_server_operation_duration_seconds_count", "mcp_method_name=\"initialize\""))
                .isEqualTo(1);
        assertThat(PrometheusText.sum(scrape, "mcp_state_events_appended_total", "direction=\"server_to_client\"")).isEqualTo(4);
        assertThat(PrometheusText.sum(scrape, "mcp_state_store_operation_duration_seconds_count", "db_system_name=\"sqlite\"",
                "db_operation_name=\"events.openResponseStream\"")).isEqualTo(3);
        assertThat(PrometheusText.sum(scrape, "mcp_state_sessions_active")).isEqualTo(1);
        assertThat(PrometheusText.sum(scrape, "mcp_state_streams_open")).isZero();
        assertThat(PrometheusText.sum(scrape, "jetty_server_requests_seconds_count", "status=\"200\"")).isPositive();
        assertThat(scrape).contains("jetty_threads_current", "jetty_connections_current", "jvm_memory_used_bytes",
                "process_files_open_files", "process_uptime_seconds");
    }

    @Test
    void readinessFollowsTheStoreAndLivenessStaysUp() throws Exception {
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        Path file = dir.resolve("state.db");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> ready = get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            assertThat(body.at("/checks/store").asText()).isEqualTo("DOWN");
            assertThat(body.at("/checks/filter").asText()).isEqualTo("UP");
            assertThat(ready.body()).doesNotContain(dir.toString()).doesNotContain("Exception");
        });
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(get("/health/ready").statusCode()).isEqualTo(200));
    }

    private String scrape() throws Exception {
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        return metrics.body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String session, String requestId, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SyncToolSpecification echo() {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("echo").inputSchema(McpJsonDefaults.getMapper(),
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}").build())
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                        .addTextContent(String.valueOf(request.arguments().get("text"))).isError(false).build())
                .build();
    }
}
