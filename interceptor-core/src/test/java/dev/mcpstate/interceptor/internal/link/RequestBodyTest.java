package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.auth.Authenticator;
import dev.mcpstate.interceptor.auth.Caller;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBodyTest {

    private static final ObjectMapper JSON = Json.MAPPER;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}   | INITIALIZE",
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\"}            | REQUEST",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}          | NOTIFICATION",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}                            | RESPONSE",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,\"message\":\"x\"}} | RESPONSE",
        "[{\"jsonrpc\":\"2.0\",\"method\":\"a\"}]                                | OTHER",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"a\"}                         | ",
        "{\"id\":1,\"method\":\"a\"}                                             | ",
        "{\"jsonrpc\":\"2.0\",\"id\":1}                                          | ",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}                             | ",
        "[]                                                                      | ",
        "42                                                                      | "})
    void classifiesJsonRpcMessages(String json, MessageKind expected) throws Exception {
        assertThat(RequestBody.classify(JSON.readTree(json))).isEqualTo(expected);
    }

    /** The body link in front of the real SDK servlet, over Jetty's LocalConnector; bodies of at most 1 KiB. */
    @Nested
    class OverHttp {

        private static final int LIMIT = 1024;

        private final MutableClock clock = new MutableClock();
        private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
        private FilterHarness node;
        private String session;

        @BeforeEach
        void start() {
            node = FilterHarness.on(storage, clock).config(c -> c.maxBodyBytes(LIMIT)).start();
            session = node.openSession();
        }

        @AfterEach
        void stop() {
            node.close();
        }

        /** @return a tools/call of echo whose JSON text is exactly {@code size} bytes long */
        private String echoOfSize(int size) {
            String head = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                    + "\"arguments\":{\"text\":\"";
            String tail = "\"}}}";
            return head + "x".repeat(size - head.length() - tail.length()) + tail;
        }

        @Test
        void bodyPastMaxBodyBytesGets413WithCode32002() {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    %s
                    """.formatted(session, echoOfSize(LIMIT + 1)));

            response.assertJsonRpcError(413, -32002);
            assertThat(response.json().at("/error/message").asText()).contains("1024");
        }

        @Test
        void chunkedBodyWithoutALengthIsCutOffAtMaxBodyBytesToo() {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s
                    Transfer-Encoding: chunked

                    %s
                    """.formatted(session, echoOfSize(3 * LIMIT)));

            response.assertJsonRpcError(413, -32002);
        }

        @Test
        void bodyOfExactlyMaxBodyBytesIsServed() {
            String body = echoOfSize(LIMIT);
            assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT);

            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    %s
                    """.formatted(session, body));

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.messages()).last().satisfies(f -> assertThat(f.json().path("id").asInt()).isEqualTo(5));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"jsonrpc\":\"2.0\",", "hello", "{'jsonrpc':'2.0'}", "\u00ff\u00fe"})
        void bodyThatIsNotJsonGets400WithParseError32700(String body) {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    %s
                    """.formatted(session, body));

            response.assertJsonRpcError(400, -32700);
            assertThat(response.json().path("id").isNull()).isTrue();
        }

        @Test
        void bodyWithTextAfterTheJsonValueGets400WithParseError32700() {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    %s}garbage
                    """.formatted(session, echoOfSize(200)));

            response.assertJsonRpcError(400, -32700);
        }

        @Test
        void jsonThatIsNotJsonRpcGets400WithInvalidRequest32600AndTheId() {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    {"id":7,"method":"tools/list"}
                    """.formatted(session));

            response.assertJsonRpcError(400, -32600);
            assertThat(response.json().path("id").asInt()).isEqualTo(7);
        }

        @Test
        void emptyBodyGets400() {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s
                    Content-Type: application/json
                    """.formatted(session));

            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().at("/error/code").asInt()).isIn(-32700, -32600);
        }

        @Test
        void aBatchGets400WithInvalidRequestAndReachesNothing() {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1

                    [{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26",
                      "capabilities":{},"clientInfo":{"name":"batcher","version":"1"}}}]
                    """);

            response.assertJsonRpcError(400, -32600);
            assertThat(response.json().at("/error/message").asText()).contains("batches are not supported");
            assertThat(storage.sessions().list()).containsExactly(session);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"a\":1}", "[1]", "1.5", "true"})
        void anIdThatIsNeitherStringNorIntegerGets400WithoutJavaNames(String id) {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    {"jsonrpc":"2.0","id":%s,"method":"tools/list"}
                    """.formatted(session, id));

            response.assertJsonRpcError(400, -32600);
            assertThat(response.json().at("/error/message").asText())
                    .isEqualTo("Invalid request: the id must be a string or an integer");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\"}|tools/call needs params",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":[1]}}|arguments must be an object",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}|needs the tool's name",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":[]}|params must be an object"})
        void malformedParamsGetAJsonRpcErrorForTheirId(String body, String message) {
            HttpResult response = node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    %s
                    """.formatted(session, body));

            response.assertJsonRpcError(400, -32602);
            assertThat(response.json().path("id").asInt()).isEqualTo(7);
            assertThat(response.json().at("/error/message").asText()).contains(message);
        }
    }

    /**
     * The body deadline (10 s from the request's arrival at the filter, on the injected clock), over Jetty's
     * LocalConnector. The authenticator, the link before the body's, holds a request whose token is {@code hold}
     * until the test has moved the clock: so the clock moves after the request arrived and before its body is read.
     */
    @Nested
    class BodyDeadline {

        private final MutableClock clock = new MutableClock();
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch moved = new CountDownLatch(1);
        private FilterHarness node;
        private String session;

        /** Everyone is alice; the token {@code hold} waits (bounded) until the test moved the clock. */
        private final Authenticator holding = new Authenticator() {
            @Override
            public Caller authenticate(String token) {
                if ("hold".equals(token)) {
                    held.countDown();
                    try {
                        moved.await(FilterHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new Caller("alice", false);
            }

            @Override
            public String challenge() {
                return "Bearer realm=\"mcp\"";
            }
        };

        @BeforeEach
        void start() {
            node = FilterHarness.on(Storage.open(StorageConfig.inMemory(), clock), clock)
                    .config(c -> c.authenticator(holding)).start();
            session = node.openSession();
        }

        @AfterEach
        void stop() {
            node.close();
        }

        /** Sends a held echo call whose body is complete, waits until it is held, moves the clock, lets it go. */
        private String heldCallAfter(Duration elapsed) throws InterruptedException {
            String body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                    + "\"arguments\":{\"text\":\"slow\"}}}";
            try (SseStream call = node.open("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s
                    Authorization: Bearer hold

                    %s
                    """.formatted(session, body))) {
                assertThat(held.await(FilterHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                clock.advance(elapsed);
                moved.countDown();
                String response = call.awaitEnd();
                assertThat(call.status()).as(response).isEqualTo(elapsed.compareTo(
                        InterceptorConfig.DEFAULT_BODY_DEADLINE) > 0 ? 408 : 200);
                return call.header("Connection") + "\n" + response;
            }
        }

        @Test
        void bodyReadPastTheBodyDeadlineGets408WithCode32000AndTheConnectionClosed() throws Exception {
            String response = heldCallAfter(InterceptorConfig.DEFAULT_BODY_DEADLINE.plusSeconds(1));

            assertThat(response).startsWithIgnoringCase("close").contains("\"code\":-32000")
                    .contains("did not arrive in time").doesNotContain("Exception");
            assertThat(node.callTool(session, 6, "echo", "{\"text\":\"next\"}").status()).isEqualTo(200);
        }

        @Test
        void bodyReadWithinTheBodyDeadlineIsServed() throws Exception {
            String response = heldCallAfter(InterceptorConfig.DEFAULT_BODY_DEADLINE.minusSeconds(1));

            assertThat(response).contains("\"id\":5").contains("slow");
        }
    }
}
