package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.auth.StaticTokens;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Static bearer tokens in front of the real SDK servlet: who may call, and whose sessions they may use. */
class AuthenticationTest {

    private static final String ALICE = "alice-token-0123456789";
    private static final String BOB = "bob-token-0123456789ab";

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        StaticTokens tokens = StaticTokens.of(List.of("# test tokens", ALICE + " alice", "", BOB + "   bob admin"));
        node = FilterHarness.on(storage, clock).config(c -> c.authenticator(tokens)).start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String initialize(String token) {
        HttpResult init = node.send("""
                POST /mcp HTTP/1.1
                Authorization: Bearer %s

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"client","version":"1"}}}
                """.formatted(token));
        assertThat(init.status()).as(init.toString()).isEqualTo(200);
        String session = init.header("Mcp-Session-Id");
        HttpResult initialized = node.send("""
                POST /mcp HTTP/1.1
                Authorization: Bearer %s
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","method":"notifications/initialized"}
                """.formatted(token, session));
        assertThat(initialized.status()).isEqualTo(202);
        return session;
    }

    private HttpResult call(String token, String session, int id) {
        return node.send("""
                POST /mcp HTTP/1.1
                Authorization: Bearer %s
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}
                """.formatted(token, session, id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2026-07-28"})
    void aRequestWithoutATokenGets401WithAChallengeInEveryEra(String version) {
        HttpResult response = node.send("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: %s

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s",
                 "capabilities":{},"clientInfo":{"name":"anonymous","version":"1"}}}
                """.formatted(version, version));

        response.assertJsonRpcError(401, -32007);
        assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"mcp\"");
        assertThat(storage.sessions().list()).isEmpty();
        assertThat(node.filter().localSessionIds()).as("nothing reached the SDK").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer wrong-token-0123456789", "Basic YWxpY2U6c2VjcmV0", "Bearer "})
    void anUnknownTokenOrAnotherSchemeGets401(String authorization) {
        HttpResult response = node.send("""
                POST /mcp HTTP/1.1
                Authorization: %s

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"guess","version":"1"}}}
                """.formatted(authorization));

        response.assertJsonRpcError(401, -32007);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer realm=\"mcp\"");
        assertThat(response.body()).doesNotContain("wrong-token");
    }

    @Test
    void anInvalidTokenIsToldSoInTheChallenge() {
        HttpResult response = call("wrong-token-0123456789", "any", 1);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void theSessionIsBoundToThePrincipalOfItsInitialize() {
        String session = initialize(ALICE);

        assertThat(storage.sessions().find(session).orElseThrow().principal()).isEqualTo("alice");
        HttpResult own = call(ALICE, session, 1);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.messages()).last().satisfies(
                f -> assertThat(f.json().at("/result/content/0/text").asText()).isEqualTo("hi"));
    }

    @Test
    void anotherPrincipalGets404OnPostGetReplayAndDelete() {
        String session = initialize(ALICE);
        List<SseFrame> frames = call(ALICE, session, 1).frames();
        String eventId = frames.get(frames.size() - 1).id();

        call(BOB, session, 2).assertJsonRpcError(404, -32001);
        node.send("""
                GET /mcp HTTP/1.1
                Authorization: Bearer %s
                Mcp-Session-Id: %s
                Accept: text/event-stream

                """.formatted(BOB, session)).assertJsonRpcError(404, -32001);
        node.send("""
                GET /mcp HTTP/1.1
                Authorization: Bearer %s
                Mcp-Session-Id: %s
                Accept: text/event-stream
                Last-Event-ID: %s

                """.formatted(BOB, session, eventId)).assertJsonRpcError(404, -32001);
        node.send("""
                DELETE /mcp HTTP/1.1
                Authorization: Bearer %s
                Mcp-Session-Id: %s

                """.formatted(BOB, session)).assertJsonRpcError(404, -32001);

        assertThat(call(ALICE, session, 3).status()).as("alice's session lives on").isEqualTo(200);
    }

    @Test
    void tokensAreCheckedAgainstDigestsAndMalformedFilesAreRefused() {
        assertThat(StaticTokens.of(List.of(ALICE + " alice")).toString()).doesNotContain(ALICE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StaticTokens.of(List.of("short alice")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> StaticTokens.of(List.of(ALICE + " alice", ALICE + " mallory")))
                .hasMessageContaining("line 2").hasMessageContaining("twice");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StaticTokens.of(List.of(ALICE + " alice root")))
                .hasMessageContaining("[admin]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StaticTokens.of(List.of("# none")))
                .hasMessageContaining("no token");
    }
}
