package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolGateTest {

    @ParameterizedTest
    @CsvSource({"2026-07-28,true", "2027-01-01,true", "2025-11-25,false", "2025-03-26,false", "2026-07-27,false",
        "garbage,false", "2026-7-28,false"})
    void sessionlessEraStartsAt20260728(String version, boolean sessionless) {
        assertThat(ProtocolGate.isSessionless(version)).isEqualTo(sessionless);
    }

    @ParameterizedTest
    @CsvSource({"2025-11-25,true", "2026-07-28,true", "2025-06-18,false", ",false"})
    void primingEventsAreForProtocol20251125AndLater(String version, boolean priming) {
        assertThat(StreamResumption.wantsPriming(version)).isEqualTo(priming);
    }

    /** The gate in front of the real SDK servlet, over Jetty's LocalConnector. */
    @Nested
    class OverHttp {

        private final MutableClock clock = new MutableClock();
        private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
        private FilterHarness node;

        @BeforeEach
        void start() {
            node = FilterHarness.on(storage, clock)
                    .config(c -> c.allowedOrigins(Set.of("https://app.example.com"))).start();
        }

        @AfterEach
        void stop() {
            node.close();
        }

        @Test
        void sessionlessEraRequestsPassThroughToTheSdkUntouched() {
            HttpResult init = node.send("""
                    POST /mcp HTTP/1.1
                    MCP-Protocol-Version: 2026-07-28

                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2026-07-28",
                     "capabilities":{},"clientInfo":{"name":"future","version":"1"}}}
                    """);
            String sdkSession = init.header("Mcp-Session-Id");

            HttpResult call = node.send("""
                    POST /mcp HTTP/1.1
                    MCP-Protocol-Version: 2026-07-28
                    Mcp-Session-Id: %s

                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"t"}}}
                    """.formatted(sdkSession));

            // the SDK itself answered both (it issues a session of its own); the filter stored nothing
            assertThat(init.status()).isEqualTo(200);
            assertThat(sdkSession).isNotBlank();
            assertThat(storage.sessions().list()).isEmpty();
            assertThat(node.filter().localSessionIds()).containsExactly(sdkSession);
            assertThat(call.status()).isEqualTo(200);
            List<SseFrame> frames = call.frames();
            assertThat(frames).as("no priming event, the SDK's own event id").hasSize(1);
            assertThat(frames.get(0).id()).isEqualTo(sdkSession);
            assertThat(frames.get(0).json().at("/result/content/0/text").asText()).isEqualTo("t");
            assertThat(storage.events().stream(sdkSession, "listen")).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"1999-01-01", "2025-01-01", "garbage", "2026-7-28", "2025-11-25x"})
        void unknownOrMalformedProtocolVersionGets400WithAJsonRpcErrorBody(String version) {
            String session = node.initialize();

            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    MCP-Protocol-Version: %s
                    Mcp-Session-Id: %s

                    {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"t"}}}
                    """.formatted(version, session));

            response.assertJsonRpcError(400, -32000);
            assertThat(response.json().at("/error/message").asText())
                    .contains("Unsupported MCP-Protocol-Version").contains("2025-11-25");
        }

        @Test
        void aSupportedProtocolVersionHeaderPasses() {
            String session = node.initialize();

            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    MCP-Protocol-Version: 2025-06-18
                    Mcp-Session-Id: %s

                    {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"t"}}}
                    """.formatted(session));

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.messages()).last()
                    .satisfies(f -> assertThat(f.json().at("/result/content/0/text").asText()).isEqualTo("t"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://evil.example", "http://localhost.evil.example", "null", "not a uri"})
        void foreignOriginGets403WithCode32004(String origin) {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Origin: %s

                    {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                     "capabilities":{},"clientInfo":{"name":"page","version":"1"}}}
                    """.formatted(origin));

            response.assertJsonRpcError(403, -32004);
            assertThat(storage.sessions().list()).as("nothing reached the SDK").isEmpty();
            assertThat(node.filter().localSessionIds()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://localhost:6274", "http://127.0.0.1", "http://[::1]:8080",
            "HTTP://LOCALHOST"})
        void loopbackOriginsAreAllowed(String origin) {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Origin: %s

                    {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                     "capabilities":{},"clientInfo":{"name":"inspector","version":"1"}}}
                    """.formatted(origin));

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }

        @Test
        void allowedOriginsAreHonouredExactly() {
            String allowed = """
                    POST /mcp HTTP/1.1
                    Origin: %s

                    {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                     "capabilities":{},"clientInfo":{"name":"app","version":"1"}}}
                    """;

            assertThat(node.send(allowed.formatted("https://app.example.com")).status()).isEqualTo(200);
            node.send(allowed.formatted("https://app.example.com.evil.example")).assertJsonRpcError(403, -32004);
            node.send(allowed.formatted("http://app.example.com")).assertJsonRpcError(403, -32004);
        }

        @Test
        void principalFromGetUserPrincipalIsRecordedWithTheSession() {
            String alices = node.initialize(FilterHarness.PROTOCOL, "alice");
            String anonymous = node.initialize(FilterHarness.PROTOCOL, null);

            assertThat(storage.sessions().find(alices).orElseThrow().principal()).isEqualTo("alice");
            assertThat(storage.sessions().find(anonymous).orElseThrow().principal()).isNull();
        }
    }
}
