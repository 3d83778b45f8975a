package dev.mcpstate.sidecar.server;

import dev.mcpstate.sidecar.ToolHarness;
import dev.mcpstate.testing.MutableClock;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone sidecar with {@code --auth-tokens}: the filter's own token authentication, end to end. */
class SidecarTokenAuthIT {

    private static final String ALICE = "alice-0123456789abcdef";
    private static final String BOB = "bob-0123456789abcdefgh";
    private static final String ROOT = "root-0123456789abcdefg";

    @TempDir
    Path dir;
    private SidecarServer server;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.txt"),
                "# token principal [admin]\n" + ALICE + " alice\n" + BOB + " bob\n" + ROOT + " root admin\n");
        server = SidecarServer.start(SidecarServerConfig.parse(Map.of("SIDECAR_AUTH_TOKENS", tokens.toString()),
                "--port", "0", "--db", dir.resolve("sidecar.db").toString()), new MutableClock());
    }

    @AfterEach
    void stop() {
        clients.forEach(McpSyncClient::closeGracefully);
        server.close();
    }

    private ToolHarness as(String token) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://127.0.0.1:" + server.url().getPort()).endpoint(SidecarServerConfig.MCP_PATH)
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(client);
        client.initialize();
        return ToolHarness.via(client::callTool);
    }

    @Test
    void aCallerWithoutAListedTokenGets401() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url())
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"mcp\"");
        assertThat(response.headers().firstValue("Server")).as("hardened").isEmpty();
    }

    @Test
    void eachTokensPrincipalIsATenantAndOnlyTheAdminResets() {
        ToolHarness alice = as(ALICE);
        ToolHarness bob = as(BOB);
        alice.call("state_set", "key", "plan", "value", "alice's");

        assertThat(bob.call("state_get", "key", "plan").get("found").asBoolean()).isFalse();
        assertThat(bob.error("sidecar_reset")).contains("not an admin");
        assertThat(alice.call("state_get", "key", "plan").get("value").asText()).isEqualTo("alice's");

        assertThat(as(ROOT).call("sidecar_reset").get("scope").asText()).isEqualTo("all");
        assertThat(alice.call("state_get", "key", "plan").get("found").asBoolean()).isFalse();
    }
}
