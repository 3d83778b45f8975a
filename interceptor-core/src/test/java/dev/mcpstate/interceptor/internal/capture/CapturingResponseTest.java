package dev.mcpstate.interceptor.internal.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.testing.MutableClock;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response wrapper, behind the real filter: SSE written in any split is recorded and re-framed alike,
 * {@code sendError} becomes a JSON-RPC body, JSON bodies are buffered and sent with a length, and a client that
 * goes away mid-stream only detaches — recording continues. {@code /chunks/*} is a servlet of this test that writes
 * like the SDK does, behind the same mcp-state filter as the SDK on {@code /mcp}.
 */
class CapturingResponseTest {

    private static final ObjectMapper JSON = Json.MAPPER;

    /** Messages the chunk servlet writes; the last one, the final response, gets the request's id. */
    private static final String NOTIFICATION = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
            + "\"params\":{\"level\":\"info\",\"data\":\"h\u00e9llo \u2192 w\u00f6rld \ud83c\udf89\"}}";
    private static final String PROGRESS = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
            + "\"params\":{\"progressToken\":\"t\",\"progress\":1}}";
    private static final String RESULT = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"text\":\"done \u2713\"}}";

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;
    private String session;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).servlet("/chunks/*", new ChunkServlet()).start();
        session = node.openSession();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private HttpResult post(String path, int id) {
        return node.send("""
                POST %s HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":%d,"method":"chunks/test"}
                """.formatted(path, session, id));
    }

    @ParameterizedTest(name = "written {0} bytes at a time")
    @ValueSource(ints = {1, 2, 3, 5, 7, 13, 64, 100_000})
    void sseSplitAtAnyByteBoundaryIsStoredAndFramedTheSame(int chunk) {
        HttpResult response = post("/chunks/sse?chunk=" + chunk, 11);

        assertThat(response.status()).isEqualTo(200);
        List<SseFrame> frames = response.frames();
        assertThat(frames.get(0).isPriming()).isTrue();
        List<SseFrame> messages = response.messages();
        assertThat(messages).extracting(SseFrame::data).containsExactly(NOTIFICATION, PROGRESS, RESULT.formatted(11));
        assertThat(messages).extracting(SseFrame::event).containsOnly("message");
        String streamId = EventId.parse(messages.get(0).id()).streamId();
        List<StoredEvent> stored = storage.events().readAfter(session, streamId, EventId.START, 100).stream()
                .filter(e -> e.direction() == Direction.SERVER_TO_CLIENT).toList();
        assertThat(stored).extracting(StoredEvent::message)
                .containsExactly(NOTIFICATION, PROGRESS, RESULT.formatted(11));
        assertThat(messages).extracting(SseFrame::id)
                .containsExactlyElementsOf(stored.stream().map(e -> e.id().toString()).toList());
        assertThat(messages).extracting(SseFrame::id).noneMatch(id -> id.startsWith("sdk-"));
        assertThat(storage.events().stream(session, streamId).orElseThrow().closed()).isTrue();
    }

    @Test
    void aServletThreadThatIsInterruptedStillHasEveryEventStoredAndSent() {
        // the SDK's Reactor workers can be interrupted while they still write the answer
        HttpResult response = post("/chunks/sse?chunk=7&interrupted=true", 13);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.messages()).extracting(SseFrame::data)
                .containsExactly(NOTIFICATION, PROGRESS, RESULT.formatted(13));
        String streamId = EventId.parse(response.messages().get(0).id()).streamId();
        assertThat(storage.events().stream(session, streamId).orElseThrow().closed()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "404 | no such chunk                                   | -32001 | no such chunk",
        "405 | NULL                                            | -32000 | Method not allowed",
        "400 | bad chunk                                       | -32000 | bad chunk",
        "500 | java.lang.IllegalStateException: at x.Y(Y.java) | -32603 | Internal error"})
    void sendErrorGivesAJsonRpcBodyNeverHtml(int status, String message, int code, String expectedMessage) {
        HttpResult response = post("/chunks/error?status=" + status
                + (message == null ? "" : "&message=" + message.replace(" ", "+")), 12);

        response.assertJsonRpcError(status, code);
        assertThat(response.json().at("/error/message").asText()).isEqualTo(expectedMessage);
        assertThat(response.body()).doesNotContain("java.lang");
    }

    @Test
    void aJsonBodyWrittenInPiecesIsSentWholeWithItsLength() {
        HttpResult response = post("/chunks/json", 13);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Transfer-Encoding")).isNull();
        assertThat(response.header("Content-Length"))
                .isEqualTo(Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(response.json().path("id").asInt()).isEqualTo(13);
    }

    @Test
    void clientGoneMidStreamDetachesAndRecordingContinues() {
        SseFrame open;
        try (SseStream call = node.open(FilterHarness.toolCall(session, 21, "gate", "{}"))) {
            open = call.awaitMessages(1).get(0);
        } // the client goes away here
        String streamId = EventId.parse(open.id()).streamId();

        node.gate().say("while nobody listens");
        node.gate().finish();

        FilterHarness.await().until(() -> storage.events().stream(session, streamId).orElseThrow().closed());
        List<StoredEvent> stored = storage.events().readAfter(session, streamId, EventId.START, 100);
        assertThat(stored).hasSize(4);
        assertThat(stored.get(2).message()).contains("while nobody listens");
        assertThat(stored.get(3).message()).contains("gate done");
        assertThat(node.filter().localSessionIds()).as("the SDK saw no write error").contains(session);
        HttpResult resumed = node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                Last-Event-ID: %s
                """.formatted(session, open.id()));
        assertThat(resumed.messages()).extracting(SseFrame::id)
                .containsExactly(stored.get(2).id().toString(), stored.get(3).id().toString());
    }

    /** Writes like the SDK: {@code sse} SSE frames in chunks of {@code chunk} bytes, async; or errors; or JSON. */
    static final class ChunkServlet extends HttpServlet {

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            JsonNode message = JSON.readTree(request.getInputStream());
            String id = message.get("id").toString();
            switch (request.getPathInfo()) {
                case "/sse" -> sse(request, response, id, Integer.parseInt(request.getParameter("chunk")));
                case "/error" -> {
                    int status = Integer.parseInt(request.getParameter("status"));
                    String text = request.getParameter("message");
                    if (text == null) {
                        response.sendError(status);
                    } else {
                        response.sendError(status, text);
                    }
                }
                case "/json" -> {
                    response.setContentType("application/json");
                    byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}")
                            .getBytes(StandardCharsets.UTF_8);
                    ServletOutputStream out = response.getOutputStream();
                    for (int off = 0; off < body.length; off += 3) {
                        out.write(body, off, Math.min(3, body.length - off));
                        out.flush();
                    }
                }
                default -> response.sendError(404);
            }
        }

        private static void sse(HttpServletRequest request, HttpServletResponse response, String id, int chunk)
                throws IOException {
            String script = "id: sdk-1\nevent: message\ndata: " + NOTIFICATION + "\n\n"
                    + ": a comment, then a blank line\n\n"
                    + "event: message\r\ndata: " + PROGRESS + "\r\n\r\n"
                    + "id: sdk-3\revent: message\rdata: " + RESULT.formatted(id) + "\r\r";
            byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            AsyncContext async = request.startAsync();
            ServletOutputStream out = response.getOutputStream();
            boolean interrupted = "true".equals(request.getParameter("interrupted"));
            try {
                for (int off = 0; off < bytes.length; off += chunk) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    out.write(bytes, off, Math.min(chunk, bytes.length - off));
                    out.flush();
                }
            } finally {
                if (interrupted) {
                    Thread.interrupted(); // the container's thread goes back to its pool clean
                }
            }
            async.complete();
        }
    }
}
