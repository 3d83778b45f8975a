package dev.mcpstate.sidecar.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.sidecar.SidecarTools;
import dev.mcpstate.sidecar.ToolHarness;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.PrometheusText;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: the standalone server in-process on a free port, called by the SDK's Java MCP client over
 * Streamable HTTP. Subclassed per backend.
 */
abstract class SidecarServerContract {

    protected final MutableClock clock = new MutableClock();
    private SidecarServer server;
    private McpSyncClient client;
    private ToolHarness tools;

    /** Environment variables selecting the backend. */
    protected abstract Map<String, String> backendEnvironment();

    protected abstract String backendName();

    /** Empties the backend; runs before the server starts, so the session filter's records survive the test. */
    protected void resetBackend() {
    }

    @BeforeEach
    void startServerAndClient() throws Exception {
        resetBackend();
        int port = FreePort.find();
        server = SidecarServer.start(SidecarServerConfig.parse(backendEnvironment(), "--port", Integer.toString(port)),
                clock);
        assertThat(server.url().toString()).isEqualTo("http://127.0.0.1:" + port + "/mcp");
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(20))
                .clientInfo(McpSchema.Implementation.builder("sidecar-it", "1.0").build())
                .build();
        McpSchema.InitializeResult init = client.initialize();
        assertThat(init.serverInfo().name()).isEqualTo(SidecarServer.SERVER_NAME);
        tools = ToolHarness.via(client::callTool);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void healthAndMetricsAreServedNextToTheEndpointWithoutASession() throws Exception {
        tools.call("sidecar_health");
        HttpClient http = HttpClient.newHttpClient();
        URI base = server.url().resolve("/");
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(base.resolve("health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"store\":\"UP\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String scrape = http.send(HttpRequest.newBuilder(base.resolve("metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(PrometheusText.sum(scrape, "mcp_server_operation_duration_seconds_count",
                    "mcp_method_name=\"tools/call\"", "gen_ai_tool_name=\"sidecar_health\"")).isEqualTo(1);
            assertThat(PrometheusText.sum(scrape, "mcp_state_store_operation_duration_seconds_count",
                    "db_system_name=\"" + backendName() + "\"")).isPositive();
            assertThat(scrape).contains("jetty_threads_current", "jvm_memory_used_bytes");
        });
    }

    @Test
    void allTwentyOneToolsAreListedWithDescriptionsAndSchemas() {
        List<McpSchema.Tool> listed = client.listTools().tools();
        Set<String> names = new HashSet<>();
        for (McpSchema.Tool tool : listed) {
            names.add(tool.name());
            assertThat(tool.description()).as(tool.name()).hasSizeGreaterThan(40);
            assertThat(tool.inputSchema()).as(tool.name()).containsEntry("type", "object");
            assertThat(tool.outputSchema()).as(tool.name()).containsEntry("type", "object");
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(SidecarTools.toolNames());
        assertThat(SidecarTools.CONTRACT_TOOLS).hasSize(19);
    }

    @Test
    void everyToolAnswersWithItsContractFields() {
        assertFields(tools.call("state_set", "key", "k", "value", Map.of("a", 1), "ttl_seconds", 60, "agent_id", "x"),
                "ok", "key", "version");
        JsonNode got = tools.call("state_get", "key", "k");
        assertFields(got, "key", "value", "found", "version");
        assertThat(got.get("value").get("a").asInt()).isEqualTo(1);
        assertFields(tools.call("state_list", "prefix", "k"), "keys");

        JsonNode created = tools.call("workflow_create", "name", "e2e", "tags", Map.of("t", "1"));
        assertFields(created, "run_id", "name", "status");
        String run = created.get("run_id").asText();
        assertFields(tools.call("workflow_discover", "tags", Map.of("t", "1"), "status", "created"), "runs");
        assertFields(tools.call("workflow_claim", "run_id", run, "agent_id", "a1", "lease_ttl_seconds", 30),
                "claimed", "run_id", "agent_id", "reason", "fencing_token");
        assertFields(tools.call("workflow_checkpoint", "run_id", run, "step", 1, "output", List.of(1, 2), "agent_id", "a1"),
                "ok", "run_id", "step");
        JsonNode resume = tools.call("workflow_resume", "run_id", run);
        assertFields(resume, "run_id", "last_step", "step_outputs", "meta");
        assertFields(resume.get("meta"), "run_id", "name", "status", "tags", "agent_id", "last_step", "created_at",
                "updated_at");
        assertFields(tools.call("workflow_status", "run_id", run), "run_id", "status", "last_step", "agent_id",
                "created_at", "updated_at");
        assertFields(tools.call("workflow_list"), "runs");
        assertThat(tools.call("workflow_complete", "run_id", run, "agent_id", "a1", "output", "done")
                .get("status").asText()).isEqualTo("completed");
        String other = tools.call("workflow_create", "name", "e2e-2").get("run_id").asText();
        tools.call("workflow_claim", "run_id", other, "agent_id", "a1");
        assertThat(tools.call("workflow_fail", "run_id", other, "agent_id", "a1", "error", "boom")
                .get("status").asText()).isEqualTo("failed");

        assertFields(tools.call("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", 30),
                "acquired", "resource_id", "holder", "expires_at", "reason", "fencing_token");
        assertFields(tools.call("lease_renew", "resource_id", "r", "holder_id", "h", "ttl_seconds", 30),
                "renewed", "resource_id", "expires_at");
        assertFields(tools.call("lease_release", "resource_id", "r", "holder_id", "h"), "released", "resource_id");

        assertFields(tools.call("session_save", "session_id", "s", "context", Map.of("c", true)), "ok", "session_id");
        assertFields(tools.call("session_restore", "session_id", "s"), "found", "session_id", "context");
        JsonNode history = tools.call("history_log", "n", 3);
        assertFields(history, "entries", "total");
        assertFields(history.get("entries").get(0), "id", "key", "op", "new_value", "previous_value", "agent_id",
                "written_at");
        JsonNode health = tools.call("sidecar_health");
        assertFields(health, "status", "backend", "uptime_s", "key_count", "workflow_count", "version");
        assertThat(health.get("backend").asText()).isEqualTo(backendName());
        assertThat(health.get("workflow_count").asLong()).isEqualTo(2);
        // an anonymous caller may not reset unless the server allows it
        assertThat(tools.error("sidecar_reset")).contains("refused");
        assertThat(tools.call("sidecar_health").get("workflow_count").asLong()).isEqualTo(2);
    }

    @Test
    void expiryFollowsTheServersClock() {
        tools.call("state_set", "key", "t", "value", 1, "ttl_seconds", 0.25);
        clock.advanceMillis(249);
        assertThat(tools.call("state_get", "key", "t").get("found").asBoolean()).isTrue();
        clock.advanceMillis(1);
        assertThat(tools.call("state_get", "key", "t").get("found").asBoolean()).isFalse();
    }

    @Test
    void badInputAndUnknownRunsAreToolErrorsWithPlainMessages() {
        assertThat(tools.error("state_set", "key", "", "value", 1)).contains("key").doesNotContain("Exception");
        assertThat(tools.error("state_set", "key", "k", "value", 1, "ttl_seconds", "soon")).isNotBlank();
        assertThat(tools.error("workflow_status", "run_id", "wf-000000000000")).contains("not found");
        assertThat(tools.error("history_log", "n", 0)).isNotBlank();
        assertThat(tools.call("state_get", "key", "k").get("found").asBoolean()).isFalse();
    }

    private static void assertFields(JsonNode result, String... fields) {
        for (String field : fields) {
            assertThat(result.has(field)).as("field '%s' in %s", field, result).isTrue();
        }
    }
}
