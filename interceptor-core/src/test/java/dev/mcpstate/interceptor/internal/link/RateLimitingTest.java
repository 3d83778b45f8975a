package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageBackend;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each caller — principal, else client address — gets {@value #RATE} requests per second and {@value #BURST} at
 * once, on every request and summed over the nodes of one store; beyond that 429 with {@code Retry-After} and
 * {@code -32006}. The filter on a real Jetty over the in-memory store, time from a {@link MutableClock}.
 */
class RateLimitingTest {

    private static final int RATE = 2;
    private static final int BURST = 3;

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private final List<FilterHarness> nodes = new ArrayList<>();

    private FilterHarness node(String id) {
        FilterHarness node = FilterHarness.on(storage, clock).nodeId(id).config(c -> c.rateLimit(RATE, BURST)).start();
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stop() {
        nodes.forEach(FilterHarness::close);
    }

    private static HttpResult ping(FilterHarness node, String user) {
        return node.send("""
                POST /mcp HTTP/1.1
                %s

                {"jsonrpc":"2.0","id":9,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"limited","version":"1"}}}
                """.formatted(user == null ? "" : "X-Test-User: " + user));
    }

    private static void assertLimited(HttpResult response) {
        response.assertJsonRpcError(429, -32006);
        assertThat(response.header("Retry-After")).as(response.toString()).isEqualTo("1");
        assertThat(response.header("RateLimit-Limit")).isEqualTo(Integer.toString(BURST));
        assertThat(response.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(response.json().at("/error/message").asText()).contains("Rate limit exceeded");
    }

    @Test
    void aCallerGetsTheBurstThen429WithRetryAfterAndTheRateLimitHeaders() {
        FilterHarness node = node("a");
        String session = node.initialize(FilterHarness.PROTOCOL, "alice");
        HttpResult initialized = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s
                X-Test-User: alice

                {"jsonrpc":"2.0","method":"notifications/initialized"}
                """.formatted(session));
        HttpResult call = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s
                X-Test-User: alice

                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}
                """.formatted(session));
        HttpResult over = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s
                X-Test-User: alice

                {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":"no"}}}
                """.formatted(session));

        assertThat(initialized.status()).isEqualTo(202);
        assertThat(initialized.header("RateLimit-Limit")).isEqualTo("3");
        assertThat(initialized.header("RateLimit-Remaining")).as("initialize took the first token").isEqualTo("1");
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.messages().get(0).json().at("/result/content/0/text").asText()).isEqualTo("hi");
        assertThat(call.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(call.header("Retry-After")).as("only a refused request is told to wait").isNull();
        assertLimited(over);
    }

    @Test
    void aRefusedRequestGoesNoFurther() {
        FilterHarness node = node("a");
        for (int i = 0; i < BURST; i++) {
            assertThat(ping(node, "alice").status()).isEqualTo(200);
        }

        assertLimited(ping(node, "alice"));
        assertThat(storage.sessions().list()).as("the refused initialize created no session").hasSize(BURST);
    }

    @Test
    void tokensComeBackAtTheRateOfTheInjectedClock() {
        FilterHarness node = node("a");
        for (int i = 0; i < BURST; i++) {
            ping(node, "alice");
        }
        clock.advanceMillis(1000 / RATE - 1);
        HttpResult early = ping(node, "alice");
        clock.advanceMillis(1);
        HttpResult onTime = ping(node, "alice");

        assertLimited(early);
        assertThat(onTime.status()).isEqualTo(200);
        assertThat(onTime.header("RateLimit-Remaining")).isEqualTo("0");
    }

    @Test
    void eachPrincipalHasItsOwnBucketAndCallersWithoutOneShareTheirAddress() {
        FilterHarness node = node("a");
        for (int i = 0; i < BURST; i++) {
            ping(node, "alice");
        }

        assertLimited(ping(node, "alice"));
        assertThat(ping(node, "bob").header("RateLimit-Remaining")).isEqualTo("2");
        assertThat(ping(node, null).header("RateLimit-Remaining")).isEqualTo("2");
        assertThat(ping(node, null).header("RateLimit-Remaining")).as("the same address").isEqualTo("1");
    }

    @Test
    void everyRequestCountsTheSessionlessEraAndRefusedOnesToo() {
        FilterHarness node = node("a");
        HttpResult sessionless = node.send("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: 2026-07-28
                X-Test-User: alice

                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2026-07-28",
                 "capabilities":{},"clientInfo":{"name":"future","version":"1"}}}
                """);
        HttpResult get = node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                X-Test-User: alice
                """);
        HttpResult badVersion = node.send("""
                POST /mcp HTTP/1.1
                MCP-Protocol-Version: 1999-01-01
                X-Test-User: alice

                {"jsonrpc":"2.0","id":1,"method":"ping"}
                """);
        HttpResult sessionlessOver = node.send("""
                DELETE /mcp HTTP/1.1
                MCP-Protocol-Version: 2026-07-28
                X-Test-User: alice
                """);

        assertThat(sessionless.status()).as("the SDK answered it").isEqualTo(200);
        assertThat(sessionless.header("RateLimit-Remaining")).isEqualTo("2");
        assertThat(get.status()).as("no session id").isEqualTo(400);
        assertThat(get.header("RateLimit-Remaining")).isEqualTo("1");
        assertThat(badVersion.status()).isEqualTo(400);
        assertThat(badVersion.header("RateLimit-Remaining")).isEqualTo("0");
        assertLimited(sessionlessOver);
    }

    @Test
    void twoNodesOnOneStoreShareEachCallersBucket() {
        FilterHarness a = node("a");
        FilterHarness b = node("b");

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < BURST + 1; i++) {
            statuses.add(ping(i % 2 == 0 ? a : b, "alice").status());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
    }

    @Test
    void retryAfterIsTheWaitForTheNextTokenInWholeSecondsAtLeastOne() {
        assertThat(RateLimiting.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(RateLimiting.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(RateLimiting.retryAfterSeconds(Duration.ofMillis(1000))).isEqualTo(1);
        assertThat(RateLimiting.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
        assertThat(RateLimiting.retryAfterSeconds(Duration.ofMinutes(2))).isEqualTo(120);
    }

    @Test
    void rateLimitingOnABackendWithoutBucketsFailsToStartNamingIt() {
        Storage noBuckets = Storage.of(new NoBuckets(Storage.open(StorageConfig.inMemory(), clock).backend()),
                StorageConfig.inMemory(), clock);

        assertThatThrownBy(() -> FilterHarness.on(noBuckets, clock).config(c -> c.rateLimit(1, 1)).start())
                .hasStackTraceContaining("storage backend no-buckets has no rate-limit store");
    }

    /** A backend of one's own that has no rate-limit store (the SPI's default). */
    private record NoBuckets(StorageBackend inner) implements StorageBackend {
        @Override
        public String name() {
            return "no-buckets";
        }

        @Override
        public boolean shared() {
            return false;
        }

        @Override
        public SessionStore sessions() {
            return inner.sessions();
        }

        @Override
        public EventStore events() {
            return inner.events();
        }

        @Override
        public SidecarStore sidecar() {
            return inner.sidecar();
        }

        @Override
        public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
            return inner.openBus(owner, heartbeatInterval, deadAfter);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
