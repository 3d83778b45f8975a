package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.store.internal.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example server as an operator starts it with static bearer tokens ({@code MCP_STATE_AUTH_TOKENS}) and an
 * allowed host name ({@code --allowed-hosts}), on a real port: who may call, and whose session is whose.
 */
class AuthenticatedServerIT {

    private static final String ALICE = "alice-token-0123456789";
    private static final String BOB = "bob-token-0123456789abc";

    @TempDir
    Path dir;
    private McpStateServer server;

    @BeforeEach
    void start() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "# test tokens\n" + ALICE + " alice\n" + BOB + " bob\n");
        server = McpStateServer.start(ServerOptions.parse(new String[] {"--port", "0", "--store", "sqlite", "--db",
                dir.resolve("state.db").toString(), "--node-id", "auth", "--allowed-hosts", "mcp.example.test"},
                Map.of("MCP_STATE_AUTH_TOKENS", tokens.toString())));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private McpHttpClient as(String token) {
        McpHttpClient client = new McpHttpClient(server.uri());
        return token == null ? client : client.header("Authorization", "Bearer " + token);
    }

    @Test
    void noTokenOrAnUnknownOneGets401WithAChallenge() throws Exception {
        String init = McpHttpClient.initializeRequest("nobody", "{}", McpHttpClient.PROTOCOL_VERSION);
        for (McpHttpClient stranger : new McpHttpClient[] {as(null), as("not-a-token-of-this-server")}) {
            try (McpHttpClient.Response response = stranger.post(init)) {
                assertThat(response.status()).isEqualTo(401);
                assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
                assertThat(Json.MAPPER.readTree(response.text()).at("/error/code").asInt()).isEqualTo(-32007);
            }
        }
    }

    @Test
    void anotherPrincipalGets404OnPostGetReplayAndDeleteOfASessionAndItsOwnerGoesOn() throws Exception {
        McpHttpClient alice = as(ALICE).open();
        JsonNode answer = alice.callTool("echo", "{\"text\":\"mine\"}");
        assertThat(answer.toString()).contains("mine");
        String eventId;
        try (McpHttpClient.Response call = alice.post(McpHttpClient.toolCall(alice.nextId(), "echo",
                "{\"text\":\"again\"}", null))) {
            eventId = call.text().lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim())
                    .findFirst().orElseThrow();
        }

        McpHttpClient bob = as(BOB).adopt(alice.sessionId());
        assertNotFound(bob.post(McpHttpClient.toolCall(bob.nextId(), "echo", "{\"text\":\"theirs\"}", null)));
        assertNotFound(bob.get(null));
        assertNotFound(bob.get(eventId));
        assertNotFound(bob.delete());

        assertThat(alice.callTool("echo", "{\"text\":\"still mine\"}").toString()).contains("still mine");
        try (McpHttpClient.Response replay = alice.get(eventId)) {
            assertThat(replay.status()).as("the owner replays").isEqualTo(200);
        }
    }

    @Test
    void anAllowedHostNameIsServedAndAnyOtherGets403() throws Exception {
        assertThat(statusWithHost("mcp.example.test")).isEqualTo(401); // past the edge: now it wants a token
        assertThat(statusWithHost("rebound.evil.example")).isEqualTo(403);
    }

    /** @return the status of an initialize sent with this Host header (the JDK's client cannot set Host) */
    private int statusWithHost(String host) throws Exception {
        byte[] body = McpHttpClient.initializeRequest("host", "{}", McpHttpClient.PROTOCOL_VERSION)
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + server.uri().getPath() + " HTTP/1.1\r\nHost: " + host + ":"
                    + server.uri().getPort() + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return Integer.parseInt(reply.substring(9, 12));
        }
    }

    private static void assertNotFound(McpHttpClient.Response response) throws Exception {
        try (response) {
            assertThat(response.status()).as(response.text()).isEqualTo(404);
            assertThat(Json.MAPPER.readTree(response.text()).at("/error/code").asInt()).isEqualTo(-32001);
        }
    }
}
