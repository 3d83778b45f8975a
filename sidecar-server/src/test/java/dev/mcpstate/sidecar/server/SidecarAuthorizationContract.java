package dev.mcpstate.sidecar.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.sidecar.ToolHarness;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.MutableClock;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authorization end to end: the standalone server on a free port behind {@link TokenAuthentication} (the stand-in
 * for a container's authentication), called over Streamable HTTP by the SDK's client as two principals
 * ({@code alice}, {@code bob}), an admin ({@code root}) and anonymously. Subclassed per backend.
 */
abstract class SidecarAuthorizationContract {

    private static final Map<String, TokenAuthentication.Identity> TOKENS = Map.of(
            "alice-token", new TokenAuthentication.Identity("alice", Set.of("user")),
            "bob-token", new TokenAuthentication.Identity("bob", Set.of("user")),
            "root-token", new TokenAuthentication.Identity("root", Set.of("user", "admin")));

    protected final MutableClock clock = new MutableClock();
    private final List<SidecarServer> servers = new ArrayList<>();
    private final List<McpSyncClient> clients = new ArrayList<>();

    /** Environment variables selecting the backend; the same storage on every call within one test. */
    protected abstract Map<String, String> backendEnvironment();

    /** Empties the backend; runs before the first server starts. */
    protected void resetBackend() {
    }

    @BeforeEach
    void emptyBackend() {
        resetBackend();
    }

    @AfterEach
    void stop() {
        clients.forEach(McpSyncClient::closeGracefully);
        servers.forEach(SidecarServer::close);
    }

    /** Starts a server node on the test's storage, behind the token authentication. */
    private SidecarServer start(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(FreePort.find())));
        args.addAll(List.of(flags));
        SidecarServer server = SidecarServer.start(SidecarServerConfig.parse(backendEnvironment(),
                args.toArray(String[]::new)), clock, new TokenAuthentication(TOKENS));
        servers.add(server);
        return server;
    }

    /** An SDK client of {@code server} sending {@code token} as bearer token with every request; null: none. */
    private ToolHarness as(SidecarServer server, String token) {
        HttpRequest.Builder requests = HttpRequest.newBuilder();
        if (token != null) {
            requests.header("Authorization", "Bearer " + token);
        }
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://127.0.0.1:" + server.url().getPort())
                        .endpoint(SidecarServerConfig.MCP_PATH).requestBuilder(requests).build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(client);
        client.initialize();
        return ToolHarness.via(client::callTool);
    }

    @Test
    void twoPrincipalsOverHttpNeverSeeOrTouchEachOthersState() throws Exception {
        SidecarServer server = start();
        ToolHarness alice = as(server, "alice-token");
        ToolHarness bob = as(server, "bob-token");
        ToolHarness anonymous = as(server, null);

        alice.call("state_set", "key", "plan", "value", Map.of("step", 1), "agent_id", "a1");
        String run = alice.call("workflow_create", "name", "nightly", "tags", Map.of("team", "search"))
                .get("run_id").asText();
        alice.call("lease_acquire", "resource_id", "db", "holder_id", "a1", "ttl_seconds", 30);
        alice.call("session_save", "session_id", "s1", "context", Map.of("goal", "ship"));

        for (ToolHarness other : List.of(bob, anonymous)) {
            assertThat(other.call("state_get", "key", "plan").get("found").asBoolean()).isFalse();
            assertThat(other.call("state_list").get("keys")).isEmpty();
            assertThat(other.call("state_delete", "key", "plan").get("ok").asBoolean()).isFalse();
            assertThat(other.call("workflow_list").get("runs")).isEmpty();
            assertThat(other.call("workflow_discover", "tags", Map.of("team", "search")).get("runs")).isEmpty();
            assertThat(other.error("workflow_status", "run_id", run)).contains("not found");
            assertThat(other.call("workflow_claim", "run_id", run, "agent_id", "x").get("claimed").asBoolean())
                    .isFalse();
            assertThat(other.call("lease_release", "resource_id", "db", "holder_id", "a1").get("released")
                    .asBoolean()).isFalse();
            assertThat(other.call("session_restore", "session_id", "s1").get("found").asBoolean()).isFalse();
            assertThat(other.call("history_log", "n", 100).get("total").asLong()).isZero();
            JsonNode health = other.call("sidecar_health");
            assertThat(health.get("key_count").asLong()).isZero();
            assertThat(health.get("workflow_count").asLong()).isZero();
        }

        // the same names in bob's tenant are bob's own
        bob.call("state_set", "key", "plan", "value", "bob's plan");
        assertThat(bob.call("lease_acquire", "resource_id", "db", "holder_id", "b1", "ttl_seconds", 30)
                .get("acquired").asBoolean()).isTrue();
        assertThat(alice.call("state_get", "key", "plan").get("value").get("step").asInt()).isEqualTo(1);
        assertThat(alice.call("workflow_claim", "run_id", run, "agent_id", "a1").get("claimed").asBoolean()).isTrue();
        assertThat(alice.call("session_restore", "session_id", "s1").get("context").get("goal").asText())
                .isEqualTo("ship");
        assertThat(alice.call("history_log", "n", 100).get("total").asLong()).isEqualTo(5);
        assertThat(bob.call("history_log", "n", 100).get("total").asLong()).isEqualTo(2);
    }

    @Test
    void onlyAnAdminPrincipalResetsAndItsResetWipesEveryTenant() throws Exception {
        SidecarServer server = start();
        ToolHarness alice = as(server, "alice-token");
        ToolHarness bob = as(server, "bob-token");
        ToolHarness anonymous = as(server, null);
        ToolHarness root = as(server, "root-token");
        alice.call("state_set", "key", "k", "value", "alice's");
        bob.call("state_set", "key", "k", "value", "bob's");
        anonymous.call("state_set", "key", "k", "value", "anonymous");

        assertThat(alice.error("sidecar_reset")).contains("refused").contains("'alice' is not an admin")
                .contains("nothing was deleted");
        assertThat(anonymous.error("sidecar_reset")).contains("refused").contains("anonymous")
                .contains("--allow-reset");
        for (ToolHarness tenant : List.of(alice, bob, anonymous)) {
            assertThat(tenant.call("state_get", "key", "k").get("found").asBoolean()).as("nothing deleted").isTrue();
        }

        JsonNode reset = root.call("sidecar_reset");
        assertThat(reset.get("ok").asBoolean()).isTrue();
        assertThat(reset.get("scope").asText()).isEqualTo("all");
        assertThat(reset.get("cleared").asLong()).isEqualTo(3 * 2); // three keys and their history entries
        for (ToolHarness tenant : List.of(alice, bob, anonymous)) {
            assertThat(tenant.call("state_list").get("keys")).isEmpty();
            JsonNode history = tenant.call("history_log");
            assertThat(history.get("total").asLong()).isEqualTo(1);
            assertThat(history.get("entries").get(0).get("op").asText()).isEqualTo("reset");
        }
    }

    @Test
    void withAllowResetAnAnonymousCallerResetsTheAnonymousStateOnly() throws Exception {
        SidecarServer server = start("--allow-reset");
        ToolHarness alice = as(server, "alice-token");
        ToolHarness anonymous = as(server, null);
        alice.call("state_set", "key", "k", "value", "alice's");
        anonymous.call("state_set", "key", "k", "value", "anonymous");

        assertThat(alice.error("sidecar_reset")).as("the flag is for anonymous callers").contains("not an admin");
        JsonNode reset = anonymous.call("sidecar_reset");
        assertThat(reset.get("scope").asText()).isEqualTo("anonymous");
        assertThat(reset.get("cleared").asLong()).isEqualTo(2);
        assertThat(anonymous.call("state_get", "key", "k").get("found").asBoolean()).isFalse();
        assertThat(alice.call("state_get", "key", "k").get("value").asText()).isEqualTo("alice's");
    }

    @Test
    void onAnotherNodeTheCallsPrincipalStillNamesTheTenant() throws Exception {
        SidecarServer nodeA = start();
        SidecarServer nodeB = start();
        RawSession alice = RawSession.initialize(nodeA.url(), "alice-token");
        assertThat(alice.callTool(nodeA.url(), "state_set", "{\"key\":\"k\",\"value\":\"alice's\"}")
                .get("ok").asBoolean()).isTrue();
        as(nodeA, "bob-token").call("state_set", "key", "k", "value", "bob's");

        // node B admits alice's session from the store; the call runs on the tenant of the request's principal
        JsonNode got = alice.callTool(nodeB.url(), "state_get", "{\"key\":\"k\"}");
        assertThat(got.get("value").asText()).isEqualTo("alice's");
        assertThat(alice.callTool(nodeB.url(), "history_log", "{}").get("total").asLong()).isEqualTo(1);

        // alice's session cannot be borrowed: the filter binds it to her principal
        assertThat(alice.postAs(nodeB.url(), "bob-token", RawSession.toolCall(99, "state_get", "{\"key\":\"k\"}"))
                .statusCode()).isEqualTo(404);
        assertThat(alice.postAs(nodeB.url(), null, RawSession.toolCall(98, "state_get", "{\"key\":\"k\"}"))
                .statusCode()).isEqualTo(404);
    }

    /** A session driven by hand over {@code java.net.http}, so its id can be taken to another node. */
    private static final class RawSession {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String token;
        private final String sessionId;
        private int nextId = 2;

        private RawSession(String token, String sessionId) {
            this.token = token;
            this.sessionId = sessionId;
        }

        static RawSession initialize(URI url, String token) throws IOException, InterruptedException {
            RawSession unopened = new RawSession(token, null);
            HttpResponse<String> init = unopened.postAs(url, token, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                    "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            assertThat(init.statusCode()).isEqualTo(200);
            String sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            RawSession session = new RawSession(token, sessionId);
            assertThat(session.postAs(url, token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                    .statusCode()).isEqualTo(202);
            return session;
        }

        static String toolCall(int id, String tool, String argumentsJson) {
            return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                    + "\",\"arguments\":" + argumentsJson + "}}";
        }

        /** @return the structured content of a successful call */
        JsonNode callTool(URI url, String tool, String argumentsJson) throws IOException, InterruptedException {
            int id = nextId++;
            HttpResponse<String> response = postAs(url, token, toolCall(id, tool, argumentsJson));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = responseTo(id, response);
            assertThat(answer.path("result").path("isError").asBoolean()).as(answer.toString()).isFalse();
            return answer.get("result").get("structuredContent");
        }

        HttpResponse<String> postAs(URI url, String bearer, String body) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2025-11-25")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (sessionId != null) {
                request.header("Mcp-Session-Id", sessionId);
            }
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** The JSON-RPC response with this id, from a JSON body or the data lines of an SSE body. */
        private static JsonNode responseTo(int id, HttpResponse<String> response) {
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                return Json.parseOrNull(response.body());
            }
            Map<Integer, JsonNode> byId = new HashMap<>();
            StringBuilder data = new StringBuilder();
            for (String line : (response.body() + "\n\n").split("\r?\n", -1)) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                } else if (line.isEmpty() && data.length() > 0) {
                    JsonNode message = Json.parseOrNull(data.toString());
                    if (message != null && message.has("id")) {
                        byId.put(message.get("id").asInt(), message);
                    }
                    data.setLength(0);
                }
            }
            assertThat(byId).as(response.body()).containsKey(id);
            return byId.get(id);
        }
    }
}
