package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.interceptor.FailingBackend;
import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.memory.InMemoryBackend;
import dev.mcpstate.testing.MutableClock;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every message of a POST is persisted before the client sees it; the filter owns the event ids. */
class CaptureTest {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final MutableClock clock = new MutableClock();
    private final StorageConfig config = StorageConfig.inMemory();
    private final FailingBackend backend = new FailingBackend(new InMemoryBackend(config, clock));
    private final Storage storage = Storage.of(backend, config, clock);
    private FilterHarness node;
    private String session;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).servlet("/misbehaving/*", new MisbehavingServlet()).start();
        session = node.openSession();
    }

    @AfterEach
    void stop() {
        backend.failAppends(false);
        backend.holdOpens(false);
        backend.releaseOpens();
        node.close();
    }

    private List<StoredEvent> stream(String streamId) {
        return storage.events().readAfter(session, streamId, EventId.START, 1000);
    }

    /** @return the stored event with the frame's id; its data must be the frame's */
    private StoredEvent storedAs(SseFrame frame) {
        EventId id = EventId.parse(frame.id());
        Optional<StoredEvent> stored = stream(id.streamId()).stream().filter(e -> e.id().equals(id)).findFirst();
        assertThat(stored).as("stored event %s", frame.id()).isPresent();
        assertThat(stored.get().direction()).isEqualTo(Direction.SERVER_TO_CLIENT);
        assertThat(stored.get().message()).isEqualTo(frame.data());
        return stored.get();
    }

    @Test
    void everyMessageIsInTheStoreWhenTheClientSeesIt() {
        try (SseStream call = node.open(FilterHarness.toolCall(session, 4, "gate", "{}"))) {
            storedAs(call.awaitMessages(1).get(0));
            node.gate().say("one");
            storedAs(call.awaitMessages(2).get(1));
            node.gate().say("two");
            storedAs(call.awaitMessages(3).get(2));
            node.gate().finish();
            call.awaitEnd();

            assertThat(call.messages()).hasSize(4).allSatisfy(this::storedAs);
        }
    }

    @Test
    void theEventsOfAStreamWaitForItsOpeningWriteSoNoneCanOvertakeIt() {
        backend.holdOpens(true);

        try (SseStream call = node.open(FilterHarness.toolCall(session, 4, "gate", "{}"))) {
            await().until(() -> backend.heldOpens() == 1);
            node.gate().say("one");
            node.gate().say("two");
            node.gate().finish();
            await().until(node.gate()::drained); // "one" and "two" have reached the filter
            assertThat(backend.appendsTried()).as("no event is sent while the opening write is on its way").isZero();
            backend.releaseOpens();
            call.awaitEnd();

            List<SseFrame> messages = call.messages();
            assertThat(messages).hasSize(4).allSatisfy(this::storedAs);
            String streamId = EventId.parse(messages.get(0).id()).streamId();
            assertThat(stream(streamId)).as("the request, then every message the client got, in order")
                    .extracting(StoredEvent::message).containsExactlyElementsOf(Stream.concat(
                            Stream.of(stream(streamId).get(0).message()), messages.stream().map(SseFrame::data))
                            .toList());
        }
    }

    @Test
    void eventIdsInTheFramesAreTheStoredIdsOfTheStream() {
        HttpResult call = node.callTool(session, 1, "count", "{\"n\":3}");
        List<SseFrame> messages = call.messages();
        String streamId = EventId.parse(messages.get(0).id()).streamId();

        assertThat(streamId).matches("r[0-9a-f]{12}");
        assertThat(messages).extracting(SseFrame::id).containsExactlyElementsOf(stream(streamId).stream()
                .filter(e -> e.direction() == Direction.SERVER_TO_CLIENT).map(e -> e.id().toString()).toList());
        assertThat(messages).extracting(SseFrame::event).containsOnly("message");
        assertThat(storage.events().stream(session, streamId).orElseThrow().closed())
                .as("the final response closed the stream").isTrue();
    }

    @Test
    void thePostedRequestIsStoredFirstAsClientToServer() throws Exception {
        String request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"count\","
                + "\"arguments\":{\"n\":1}}}";
        List<SseFrame> messages = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                %s
                """.formatted(session, request)).messages();

        List<StoredEvent> stored = stream(EventId.parse(messages.get(0).id()).streamId());

        assertThat(stored).hasSize(3);
        assertThat(stored.get(0).direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
        assertThat(stored.get(0).message()).isEqualTo(request);
        assertThat(stored.subList(1, 3)).extracting(StoredEvent::direction).containsOnly(Direction.SERVER_TO_CLIENT);
        assertThat(Long.parseLong(stored.get(0).id().entryId()))
                .isLessThan(Long.parseLong(stored.get(1).id().entryId()));
        assertThat(JSON.readTree(stored.get(2).message()).path("id").asInt()).isEqualTo(1);
    }

    @Test
    void aResponseStreamStartsWithAPrimingEventAtItsStart() {
        List<SseFrame> frames = node.callTool(session, 1, "echo", "{\"text\":\"x\"}").frames();

        assertThat(frames.get(0).isPriming()).as(frames.toString()).isTrue();
        assertThat(frames.get(0).id()).isEqualTo(EventId.parse(frames.get(1).id()).streamId() + ":0");
    }

    @Test
    void serverToClientRequestsGetMcpsOwnerIdsOnTheWireAndInTheStore() {
        try (SseStream call = node.open(FilterHarness.toolCall(session, 3, "confirm", "{\"action\":\"x\"}"))) {
            SseFrame elicitation = call.awaitMessages(1).get(0);
            JsonNode id = elicitation.json().get("id");

            assertThat(elicitation.json().path("method").asText()).isEqualTo("elicitation/create");
            assertThat(id.asText()).startsWith("mcps|" + node.filter().owner() + "|");
            assertThat(id.asText()).endsWith("\"" + session + "-0\"");
            assertThat(storedAs(elicitation).message()).contains(id.toString());

            node.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    {"jsonrpc":"2.0","id":%s,"result":{"action":"decline"}}
                    """.formatted(session, id.toString()));
            call.awaitEnd();
        }
    }

    /**
     * Plays a servlet that misbehaves the ways the SDK can: by path, a 500 with its exception serialized, a 400
     * whose message names Java types, or a response stream ended without the response (synchronously or after
     * {@code startAsync}).
     */
    static final class MisbehavingServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            request.getInputStream().readAllBytes();
            switch (request.getPathInfo()) {
                case "/500" -> {
                    response.setStatus(500);
                    response.setContentType("application/json");
                    response.getWriter().write("{\"message\":\"boom\",\"stackTrace\":[{\"className\":"
                            + "\"io.modelcontextprotocol.Foo\"}]}");
                }
                case "/400" -> {
                    response.setStatus(400);
                    response.setContentType("application/json");
                    response.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32600,"
                            + "\"message\":\"Invalid message format: Cannot deserialize value of type "
                            + "`java.util.HashMap<java.lang.String,java.lang.Object>`\"}}");
                }
                case "/silent" -> {
                    response.setContentType("text/event-stream");
                    response.flushBuffer();
                }
                default -> {
                    AsyncContext async = request.startAsync();
                    response.setContentType("text/event-stream");
                    response.flushBuffer();
                    async.complete();
                }
            }
        }
    }

    private HttpResult post(String path, int id) {
        return node.send("""
                POST %s HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}
                """.formatted(path, session, id));
    }

    @Test
    void servlet5xxBodiesAreReplacedByAPlainJsonRpcError() {
        HttpResult response = post("/misbehaving/500", 1);

        response.assertJsonRpcError(500, -32603);
        assertThat(response.body()).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}");
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(response.body().length()));
    }

    @Test
    void servletErrorMessagesNamingJavaTypesAreReplacedByAPlainOne() {
        HttpResult response = post("/misbehaving/400", 2);

        response.assertJsonRpcError(400, -32600);
        assertThat(response.json().path("id").asInt()).isEqualTo(2);
        assertThat(response.json().at("/error/message").asText()).isEqualTo("Invalid request");
        assertThat(response.body()).doesNotContain("java.").doesNotContain("`");
    }

    @Test
    void aResponseStreamEndedWithoutItsResponseGetsAJsonRpcErrorForTheRequestsId() {
        for (String path : List.of("/misbehaving/silent", "/misbehaving/async")) {
            HttpResult response = post(path, 9);

            assertThat(response.status()).as(path).isEqualTo(200);
            List<SseFrame> messages = response.messages();
            assertThat(messages).as(path).hasSize(1);
            assertThat(messages.get(0).json().path("id").asInt()).isEqualTo(9);
            assertThat(messages.get(0).json().at("/error/code").asInt()).isEqualTo(-32603);
            StoredEvent stored = storedAs(messages.get(0));
            assertThat(storage.events().stream(session, stored.id().streamId()).orElseThrow().closed())
                    .as("the error closed the stream in the store").isTrue();
        }
    }

    @Test
    void aFailedAppendEndsTheClientsStreamWithAJsonRpcErrorAndNothingElse() {
        try (SseStream call = node.open(FilterHarness.toolCall(session, 4, "gate", "{}"))) {
            SseFrame open = call.awaitMessages(1).get(0);
            backend.failAppends(true);

            node.gate().say("lost");
            node.gate().finish();
            call.awaitEnd();

            assertThat(call.messages()).hasSize(2).first().isEqualTo(open);
            SseFrame end = call.messages().get(1);
            assertThat(end.id()).as("not stored, so not resumable past").isNull();
            assertThat(end.json().path("id").asInt()).isEqualTo(4);
            assertThat(end.json().at("/error/code").asInt()).isEqualTo(-32003);
            assertThat(node.filter().localSessionIds()).as("the SDK session lives on").contains(session);
        }
        backend.failAppends(false);
        assertThat(node.callTool(session, 5, "echo", "{\"text\":\"after\"}").messages()).last()
                .satisfies(f -> assertThat(f.json().at("/result/content/0/text").asText()).isEqualTo("after"));
    }

    @Test
    void aFailedAppendEndsTheClientsStreamAtOnceWhileTheToolStillRuns() {
        try (SseStream call = node.open(FilterHarness.toolCall(session, 8, "gate", "{}"))) {
            SseFrame open = call.awaitMessages(1).get(0);
            String streamId = EventId.parse(open.id()).streamId();
            backend.failAppends(true);

            node.gate().say("lost");
            call.awaitEnd(); // before the tool returns: it is still waiting at the gate

            assertThat(call.messages()).hasSize(2);
            SseFrame end = call.messages().get(1);
            assertThat(end.id()).isNull();
            assertThat(end.json().path("id").asInt()).isEqualTo(8);
            assertThat(end.json().at("/error/code").asInt()).isEqualTo(-32003);
            assertThat(end.json().at("/error/message").asText()).contains("unavailable");

            // the tool goes on into nothing; once the store is back the stored stream ends with that error too,
            // so a client resuming it learns the same
            node.gate().say("also lost");
            backend.failAppends(false);
            node.gate().finish();
            FilterHarness.await().untilAsserted(() -> {
                assertThat(storage.events().stream(session, streamId)).hasValueSatisfying(s ->
                        assertThat(s.closed()).isTrue());
                List<StoredEvent> stored = stream(streamId);
                JsonNode last = JSON.readTree(stored.get(stored.size() - 1).message());
                assertThat(last.path("id").asInt()).isEqualTo(8);
                assertThat(last.at("/error/code").asInt()).isEqualTo(-32003);
            });
            assertThat(stream(streamId)).extracting(StoredEvent::message)
                    .noneMatch(m -> m.contains("lost") || m.contains("gate done"));
        }
        assertThat(node.callTool(session, 9, "echo", "{\"text\":\"after\"}").messages()).last()
                .satisfies(f -> assertThat(f.json().at("/result/content/0/text").asText()).isEqualTo("after"));
    }

    @Test
    void aStreamWhoseToolEndsWhileTheStoreStillFailsIsEndedInTheStoreOnceTheStoreIsBack() {
        String streamId;
        try (SseStream call = node.open(FilterHarness.toolCall(session, 11, "gate", "{}"))) {
            streamId = EventId.parse(call.awaitMessages(1).get(0).id()).streamId();
            backend.failAppends(true);
            node.gate().say("lost");
            call.awaitEnd();
            int refusedBefore = backend.refused();
            node.gate().finish(); // the tool ends while the store still fails (a master failing over, say)
            FilterHarness.await().until(() -> backend.refused() > refusedBefore); // the stream's end was refused
        }
        assertThat(storage.events().stream(session, streamId).orElseThrow().closed()).isFalse();

        backend.failAppends(false);

        FilterHarness.await().untilAsserted(() -> {
            assertThat(storage.events().stream(session, streamId).orElseThrow().closed()).isTrue();
            List<StoredEvent> stored = stream(streamId);
            assertThat(JSON.readTree(stored.get(stored.size() - 1).message()).at("/error/code").asInt())
                    .isEqualTo(-32003);
        });
    }

    @Test
    void whileTheStoreIsKnownDownAPostGets503BeforeTheServerRunsIt() {
        backend.unavailable(true);

        HttpResult call = node.send(FilterHarness.toolCall(session, 10, "gate", "{}"));
        HttpResult notification = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","method":"notifications/roots/list_changed"}
                """.formatted(session));

        call.assertJsonRpcError(503, -32003);
        assertThat(call.header("Retry-After")).isEqualTo("1");
        assertThat(call.json().path("id").asInt()).as("the id of the refused request").isEqualTo(10);
        assertThat(call.body()).doesNotContain("Exception").doesNotContain("dev.mcpstate");
        notification.assertJsonRpcError(503, -32003);
        backend.unavailable(false);
        // the refused call never reached the gate tool: this one is the only one it serves
        try (SseStream next = node.open(FilterHarness.toolCall(session, 11, "gate", "{}"))) {
            node.gate().say("only");
            node.gate().finish();
            next.awaitEnd();
            assertThat(next.messages()).extracting(f -> f.json().path("params").path("data").asText(
                    f.json().at("/result/content/0/text").asText()))
                    .containsExactly("gate open", "only", "gate done");
        }
    }

    @Test
    void aRequestThatCannotBeStoredGets503WithRetryAfterAtOnceWhileTheToolStillRuns() {
        backend.failAppends(true);

        // the request's write is not awaited before the SDK runs (one store round trip per call): the answer to
        // a failed one comes as soon as it failed, not when the tool ends; nothing the tool sends is stored
        HttpResult response = node.send(FilterHarness.toolCall(session, 6, "gate", "{}"));

        response.assertJsonRpcError(503, -32003);
        assertThat(response.header("Retry-After")).isEqualTo("1");
        assertThat(response.json().path("id").asInt()).isEqualTo(6);
        backend.failAppends(false);
        node.gate().finish();
        assertThat(node.callTool(session, 7, "echo", "{\"text\":\"next\"}").messages()).last()
                .satisfies(f -> assertThat(f.json().at("/result/content/0/text").asText()).isEqualTo("next"));
    }

    @Test
    void theFinalResponseIsToldByItsTopLevelIdAlone() throws Exception {
        ObjectMapper json = Json.MAPPER;
        assertThat(Capture.responseId("{\"jsonrpc\":\"2.0\",\"result\":{\"id\":9,\"method\":\"x\"},\"id\":7}"))
                .isEqualTo(json.readTree("7"));
        assertThat(Capture.responseId("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"error\":{\"code\":-1}}"))
                .isEqualTo(json.readTree("\"a\""));
        assertThat(Capture.responseId("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sampling/createMessage\"}"))
                .isNull();
        assertThat(Capture.responseId("[1]")).isNull();
        assertThat(Capture.responseId("{\"id\":")).isNull();
    }

    @Test
    void theAnswerTellsItsErrorCodeAndAFailedToolWithoutReadingNestedValues() throws Exception {
        ObjectMapper json = Json.MAPPER;
        assertThat(Capture.answer("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"data\":{\"code\":1},\"code\":-32602,"
                + "\"message\":\"Unknown tool\"}}", true))
                .isEqualTo(new Capture.Answer(json.readTree("3"), "-32602", false));
        assertThat(Capture.answer("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[{\"type\":\"text\","
                + "\"text\":\"{\\\"isError\\\":false}\"}],\"isError\":true}}", true))
                .isEqualTo(new Capture.Answer(json.readTree("4"), null, true));
        assertThat(Capture.answer("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"structured\":{\"isError\":true},"
                + "\"isError\":false}}", true))
                .isEqualTo(new Capture.Answer(json.readTree("5"), null, false));
        assertThat(Capture.answer("{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{\"isError\":true}}", false))
                .as("only a tool call's result is looked into").isEqualTo(new Capture.Answer(json.readTree("6"), null,
                        false));
    }
}
