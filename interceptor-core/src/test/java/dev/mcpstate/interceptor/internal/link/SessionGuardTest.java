package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only live sessions of the calling principal are served; everything else gets 404 (or 400 without a session id),
 * and the guard refreshes last-seen at most once per touch interval. Idle TTL 10 min, touch interval 10 s.
 */
class SessionGuardTest {

    private static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration TOUCH = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory().toBuilder().sessionIdleTtl(TTL).build(),
            clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).config(c -> c.touchInterval(TOUCH)).start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private HttpResult echo(String session, String user) {
        return node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s
                %s

                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}
                """.formatted(session, user == null ? "" : "X-Test-User: " + user));
    }

    private Instant lastSeen(String session) {
        return storage.sessions().find(session).orElseThrow().lastSeenAt();
    }

    @Test
    void requestWithoutMcpSessionIdAfterInitializeGets400() {
        node.openSession();

        HttpResult response = node.send("""
                POST /mcp HTTP/1.1

                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}
                """);

        response.assertJsonRpcError(400, -32000);
        assertThat(response.json().path("id").asInt()).as("the request's id").isEqualTo(3);
        assertThat(response.json().at("/error/message").asText()).contains("Mcp-Session-Id");
    }

    @Test
    void blankMcpSessionIdCountsAsMissing() {
        HttpResult response = node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id:\s
                """);

        response.assertJsonRpcError(400, -32000);
    }

    @Test
    void unknownSessionGets404WithAJsonRpcErrorBody() {
        echo("no-such-session", null).assertJsonRpcError(404, -32001);
        node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: no-such-session
                """).assertJsonRpcError(404, -32001);
        node.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: no-such-session
                """).assertJsonRpcError(404, -32001);
        assertThat(node.filter().admissions()).isZero();
    }

    @Test
    void sessionIdlePastItsTtlGets404AndIsStoredExpired() {
        String session = node.openSession();
        assertThat(echo(session, null).status()).isEqualTo(200);

        clock.advance(TTL.plusSeconds(1));
        HttpResult response = echo(session, null);

        response.assertJsonRpcError(404, -32001);
        assertThat(storage.sessions().find(session).orElseThrow().status()).isEqualTo(SessionStatus.EXPIRED);
        clock.advance(Duration.ofSeconds(-30));
        echo(session, null).assertJsonRpcError(404, -32001);
    }

    @Test
    void sessionIdleForExactlyItsTtlIsStillServed() {
        String session = node.openSession();

        clock.advance(TTL);

        assertThat(echo(session, null).status()).isEqualTo(200);
        assertThat(storage.sessions().find(session).orElseThrow().status()).isEqualTo(SessionStatus.ACTIVE);
    }

    @Test
    void anotherPrincipalsSessionGets404() {
        String alices = node.initialize(FilterHarness.PROTOCOL, "alice");
        node.initialized(alices, "alice");

        echo(alices, "bob").assertJsonRpcError(404, -32001);
        echo(alices, null).assertJsonRpcError(404, -32001);
        assertThat(echo(alices, "alice").status()).isEqualTo(200);
        assertThat(storage.sessions().find(alices).orElseThrow().status()).isEqualTo(SessionStatus.ACTIVE);
    }

    @Test
    void anAnonymousSessionIsNotServedToAnAuthenticatedCaller() {
        String anonymous = node.openSession();

        echo(anonymous, "mallory").assertJsonRpcError(404, -32001);
    }

    @Test
    void lastSeenIsTouchedAtMostOncePerTouchInterval() {
        String session = node.initialize();
        Instant created = clock.instant();
        assertThat(lastSeen(session)).isEqualTo(created);

        clock.advance(Duration.ofSeconds(4));
        echo(session, null);
        clock.advance(Duration.ofSeconds(5));
        echo(session, null);
        assertThat(lastSeen(session)).as("9 s after the last touch").isEqualTo(created);

        clock.advance(Duration.ofSeconds(1));
        echo(session, null);
        assertThat(lastSeen(session)).as("10 s after the last touch").isEqualTo(created.plus(TOUCH));

        clock.advance(Duration.ofSeconds(3));
        echo(session, null);
        assertThat(lastSeen(session)).as("3 s after the last touch").isEqualTo(created.plus(TOUCH));
    }

    @Test
    void aTouchKeepsTheSessionAlivePastItsOriginalTtl() {
        String session = node.openSession();
        clock.advance(TTL.minusSeconds(1));
        assertThat(echo(session, null).status()).isEqualTo(200);

        clock.advance(TTL.minusSeconds(1));

        assertThat(echo(session, null).status()).isEqualTo(200);
    }
}
