package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.internal.capture.CapturingResponse;
import dev.mcpstate.interceptor.internal.capture.DrainingRequest;
import dev.mcpstate.interceptor.internal.capture.StreamRecorder;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ClientDisconnects;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.ErrorMessages;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.internal.http.OnComplete;
import dev.mcpstate.interceptor.internal.resume.GroupCommit;
import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.resume.StreamIds;
import dev.mcpstate.interceptor.internal.route.RoutedIds;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.interceptor.sse.SseFrames;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.internal.Json;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Persists every JSON-RPC message of a POST, both directions, before the client sees a byte of the
 * answer.
 *
 * <ul>
 *   <li>The POSTed message is appended first (direction client-to-server). A request opens a response stream
 *       with a fresh stream id.</li>
 *   <li>An SSE answer is parsed as the SDK writes it; each event is appended without the SDK waiting for the store,
 *       but a frame reaches the client only once its event is durable, in order. The first event goes with the
 *       request in the stream's opening write; the ones after it are group-committed ({@link GroupCommit}): one
 *       write of the stream on its way at a time, the events that came meanwhile together in the next, each write
 *       stored only behind all the earlier ones ({@link dev.mcpstate.store.EventStore#appendAllAfter}), so a lost
 *       one never leaves a hole in the stored stream. Each event is then sent with the filter's event id
 *       ({@code <streamId>:<entryId>}) in place of the SDK's. Server-to-client requests get a node-namespaced id
 *       ({@link RoutedIds}) so the client's answer can be routed back from any node. The final response closes the stream in the store.
 *       Protocol 2025-11-25 clients first get a priming event {@code <streamId>:0}.</li>
 *   <li>A JSON answer is buffered, appended, then sent. Error bodies of the SDK become JSON-RPC error responses;
 *       a 5xx body's message is replaced by a plain one (the SDK's can carry stack traces), the original is
 *       logged.</li>
 *   <li>When the store fails, the client gets {@code 503} with {@code Retry-After} if nothing was sent yet, else
 *       a last SSE event with the JSON-RPC error {@code -32003} for its request, and its stream ends at once while
 *       the tool runs on into nothing. Once the tool is done the stored stream is ended with that same error — tried
 *       again for about 16 s ({@link #END_RETRY_MILLIS}) while the store still fails, e.g. during a Redis failover —
 *       so a client that resumes it learns the same instead of waiting.</li>
 * </ul>
 * {@code initialize} is recorded once the lifecycle link has stored the new session. While the store is known to be
 * down ({@link dev.mcpstate.store.Storage#available()}), a POST is refused with {@code 503} before the MCP server
 * runs it: its messages could not be persisted, and its tool's effects would be lost to the client.
 */
public final class Capture implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(Capture.class);

    private final StreamHub hub;
    private final String owner;
    private final Executor writer;
    private final int retryAfterSeconds;
    private final BooleanSupplier storeAvailable;

    /**
     * @param hub               appends events and wakes followers; not null
     * @param owner             this node instance's owner tag for the streams it produces; not null
     * @param writer            writes persisted SSE frames to clients and sends the group-committed batches of
     *                          response streams; must not bound its threads (a task there may wait for a response's
     *                          lock while that response's thread waits for a batch sent there); not null
     * @param retryAfterSeconds the {@code Retry-After} of a 503 when the store fails
     * @param storeAvailable    false while the store is known to fail every call (no I/O); not null
     */
    public Capture(StreamHub hub, String owner, Executor writer, int retryAfterSeconds,
            BooleanSupplier storeAvailable) {
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
        this.owner = Objects.requireNonNull(owner, "owner must not be null");
        this.writer = Objects.requireNonNull(writer, "writer must not be null");
        this.retryAfterSeconds = retryAfterSeconds;
        this.storeAvailable = Objects.requireNonNull(storeAvailable, "storeAvailable must not be null");
    }

    /** The session ended (on some node) before this request's stream could be opened: nothing was written. */
    static final class SessionNotLive extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SessionNotLive() {
            super("session not live", null, false, false);
        }
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        boolean post = "POST".equals(exchange.request().getMethod());
        if (post && !storeAvailable.getAsBoolean()) {
            throw new StoreException("the store is unavailable: request refused before the server ran it");
        }
        SessionRecord session = exchange.session();
        if (post) {
            exchange.streamId(StreamIds.newResponseStream());
            if (session != null && exchange.kind() != MessageKind.REQUEST) {
                appendClientMessage(exchange);
            }
            // a request is stored with the first message of its answer, in one write (Recorder)
        }
        Recorder recorder = post ? new Recorder(exchange) : null;
        HttpServletRequest request = exchange.request();
        CapturingResponse capture = new CapturingResponse(exchange.response(), recorder, writer,
                () -> ClientDisconnects.endConnection(request));
        exchange.capture(capture);
        if (post) {
            exchange.request(new DrainingRequest(exchange.request(), () -> {
                recorder.answerIfUnanswered(capture);
                return capture.drained();
            }));
        }
        chain.proceed();
        if (!capture.isEventStream()) {
            finishBuffered(exchange, capture);
        } else if (recorder != null && !exchange.request().isAsyncStarted()) {
            recorder.answerIfUnanswered(capture);
            capture.drained().join();
        }
        if (recorder != null && exchange.kind() == MessageKind.REQUEST && exchange.session() != null
                && !recorder.closedStream) {
            closeWhenDone(recorder);
        }
    }

    private void appendClientMessage(Exchange exchange) {
        hub.append(exchange.session().sessionId(), exchange.streamId(), Direction.CLIENT_TO_SERVER,
                new String(exchange.body(), StandardCharsets.UTF_8));
    }

    private void finishBuffered(Exchange exchange, CapturingResponse capture) throws IOException {
        byte[] body = capture.bufferedBody();
        int status = capture.getStatus();
        boolean request = exchange.kind() == MessageKind.REQUEST && exchange.session() != null;
        if (body.length == 0 && !request) {
            capture.commitBuffered(body);
            return;
        }
        JsonNode json = parse(body);
        if (status >= 400) {
            body = asJsonRpcError(exchange, status, json, body);
        } else if (json != null && exchange.kind() == MessageKind.REQUEST) {
            JsonNode code = json.path("error").get("code");
            exchange.answered(code == null ? null : code.asText(), "tools/call".equals(exchange.method())
                    && json.path("result").path("isError").asBoolean(false));
        }
        if (request) {
            // the request and its whole answer, one write; rare: the SDK answers requests with SSE streams
            Recorder recorder = (Recorder) capture.recorder();
            try {
                recorder.open(body.length == 0 ? null : new String(body, StandardCharsets.UTF_8), true).join();
            } catch (CompletionException e) {
                capture.answerFailure(e.getCause() == null ? e : e.getCause());
                return;
            }
        } else if (status < 400 && json != null && json.has("jsonrpc") && exchange.session() != null) {
            if (exchange.kind() == MessageKind.INITIALIZE) {
                appendClientMessage(exchange);
            }
            hub.append(exchange.session().sessionId(), exchange.streamId(), Direction.SERVER_TO_CLIENT,
                    new String(body, StandardCharsets.UTF_8));
        }
        capture.commitBuffered(body);
    }

    /** Turns the SDK's error bodies (serialized exceptions, stack traces included) into JSON-RPC errors. */
    private static byte[] asJsonRpcError(Exchange exchange, int status, JsonNode json, byte[] original) {
        if (json != null && json.has("jsonrpc") && json.has("error") && status < 500) {
            return ErrorMessages.sanitizeResponse(new String(original, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
        }
        JsonNode rpcError = json == null ? null : json.path("jsonRpcError");
        int code = rpcError != null && rpcError.has("code") ? rpcError.get("code").asInt()
                : JsonRpcErrors.codeFor(status);
        String message;
        if (status >= 500) {
            log.warn("servlet answered status={}; body replaced, original: {}", status,
                    new String(original, StandardCharsets.UTF_8));
            message = JsonRpcErrors.messageFor(500);
            code = ErrorCodes.INTERNAL_ERROR;
        } else if (rpcError != null && rpcError.hasNonNull("message")) {
            message = ErrorMessages.safe(rpcError.get("message").asText(), code);
        } else if (json != null && json.hasNonNull("message")) {
            message = ErrorMessages.safe(json.get("message").asText(), code);
        } else {
            message = JsonRpcErrors.messageFor(status);
        }
        return JsonRpcErrors.bytes(exchange.messageId(), code, message);
    }

    /** Ends a stream the servlet ended without its final response: stored with the request alone if still unopened. */
    private void closeWhenDone(Recorder recorder) {
        Exchange exchange = recorder.exchange;
        if (!exchange.request().isAsyncStarted()) {
            closeQuietly(recorder);
            return;
        }
        // the SDK disables the timeout; when the client goes away the SDK keeps producing into the store
        exchange.request().getAsyncContext().addListener(new OnComplete(() -> closeQuietly(recorder)));
    }

    /**
     * Pauses before the next attempt to end a stored stream that a store fault kept open, in milliseconds: a Redis
     * failover or a short outage is over within seconds, and until the stream's end is stored a client that resumed
     * it waits (for up to the response stream timeout).
     */
    static final long[] END_RETRY_MILLIS = {250, 500, 1000, 2000, 4000, 8000};

    private void closeQuietly(Recorder recorder) {
        closeQuietly(recorder, 0);
    }

    private void closeQuietly(Recorder recorder, int attempt) {
        String sessionId = recorder.exchange.session().sessionId();
        String streamId = recorder.exchange.streamId();
        boolean retriable = recorder.failure != null || recorder.opened;
        try {
            if (recorder.failure != null) {
                if (recorder.stored) {
                    // what the client got last, and now the stream's end for those who resume it
                    hub.appendAsync(sessionId, streamId, Direction.SERVER_TO_CLIENT, recorder.failure, true).join();
                } // else the request itself was not stored: the client got 503, there is nothing to end
            } else if (recorder.opened) {
                hub.close(sessionId, streamId);
            } else {
                recorder.open(null, true).join();
            }
        } catch (RuntimeException e) {
            if (retriable && attempt < END_RETRY_MILLIS.length) {
                log.debug("could not close stream yet: session={} stream={} cause={}", sessionId, streamId,
                        e.toString());
                CompletableFuture.runAsync(() -> closeQuietly(recorder, attempt + 1),
                        CompletableFuture.delayedExecutor(END_RETRY_MILLIS[attempt], TimeUnit.MILLISECONDS, writer));
                return;
            }
            log.warn("could not close stream: session={} stream={} cause={}", sessionId, streamId, e.toString());
        }
    }

    private static JsonNode parse(byte[] body) {
        return Json.parseOrNull(body);
    }

    /** Records the SSE events of one POST's response stream. */
    private final class Recorder implements StreamRecorder {
        private final Exchange exchange;
        private final boolean toolCall;
        /** Set once the final response closed the stream; written by the response writer, read after the servlet. */
        private volatile boolean closedStream;
        /** Set once opening the stream in the store (with the request) was started; written by the response writer. */
        private volatile boolean opened;
        /** Set once the stream is in the store. */
        private volatile boolean stored;
        private volatile boolean failed;
        /** The JSON-RPC error the client got when persisting failed (-32003), to end the stored stream with. */
        private volatile String failure;
        /** The stream's events after its opening write, group-committed; set with the opening write. */
        private GroupCommit appends;

        Recorder(Exchange exchange) {
            this.exchange = exchange;
            this.toolCall = "tools/call".equals(exchange.method());
        }

        /**
         * Opens the stream with the request and the first message of the answer, if the session is live.
         *
         * @return the stored first message (the request without one); failed with {@link SessionNotLive} when the
         *         session ended, or with the store's exception
         */
        CompletableFuture<StoredEvent> open(String firstMessage, boolean last) {
            opened = true;
            return hub.openResponseStream(exchange.session().sessionId(), exchange.streamId(), owner,
                    new String(exchange.body(), StandardCharsets.UTF_8), firstMessage, last).thenApply(event -> {
                        if (event.isEmpty()) {
                            throw new SessionNotLive();
                        }
                        stored = true;
                        return event.get();
                    });
        }

        /**
         * Every request gets an answer: when the servlet ends a request's response stream without the response
         * (an SDK handler that failed silently), the filter stores and sends a JSON-RPC error for the request's id.
         */
        void answerIfUnanswered(CapturingResponse capture) {
            if (exchange.kind() != MessageKind.REQUEST || exchange.session() == null || closedStream || failed
                    || !capture.isEventStream()) {
                return;
            }
            log.warn("servlet ended a response stream without answering: session={} method={} id={}",
                    exchange.session().sessionId(), exchange.method(), exchange.messageId());
            capture.appendEvent(new SseEvent(null, null, new String(JsonRpcErrors.bytes(exchange.messageId(),
                    ErrorCodes.INTERNAL_ERROR, "Internal error: the server ended the response without a result"),
                    StandardCharsets.UTF_8)));
        }

        @Override
        public Failure onFailure(Throwable cause) {
            failed = true;
            if (cause instanceof SessionNotLive) {
                exchange.answered(Integer.toString(ErrorCodes.NOT_FOUND), false);
                return new Failure(404, exchange.messageId(), ErrorCodes.NOT_FOUND,
                        "Session not found; it may have been closed or expired: start a new session with initialize",
                        0);
            }
            exchange.unavailable(Exchange.Unavailable.STORE);
            exchange.answered(Integer.toString(ErrorCodes.STORAGE_UNAVAILABLE), false);
            log.warn("response stream not persisted: session={} stream={} cause={}",
                    exchange.session() == null ? null : exchange.session().sessionId(), exchange.streamId(),
                    cause.toString());
            String message = "Session storage is unavailable; the response was not stored: retry in "
                    + retryAfterSeconds + " s";
            failure = new String(JsonRpcErrors.bytes(exchange.messageId(), ErrorCodes.STORAGE_UNAVAILABLE, message),
                    StandardCharsets.UTF_8);
            return new Failure(503, exchange.messageId(), ErrorCodes.STORAGE_UNAVAILABLE, message,
                    retryAfterSeconds);
        }

        @Override
        public String onStreamStart() {
            if (exchange.session() == null || !StreamResumption.wantsPriming(exchange.protocolVersion())) {
                return null;
            }
            return SseFrames.priming(exchange.streamId() + ":0");
        }

        @Override
        public CompletionStage<String> onEvent(SseEvent event) {
            if (event.data().isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            SessionRecord session = exchange.session();
            if (session == null) {
                return CompletableFuture.completedFuture(
                        SseFrames.message(event.id() == null ? "" : event.id(), event.data()));
            }
            if (failed) {
                return CompletableFuture.completedFuture(null); // the stream could not be persisted: nothing more
            }
            String namespaced = RoutedIds.namespace(owner, event.data());
            Answer answer = finalAnswer(namespaced);
            boolean last = answer != null;
            if (last) {
                exchange.answered(answer.errorCode(), answer.toolError());
            }
            String data = last ? ErrorMessages.sanitizeResponse(namespaced) : namespaced;
            boolean request = exchange.kind() == MessageKind.REQUEST;
            CompletableFuture<StoredEvent> appending;
            if (request && !opened) {
                appending = open(data, last);
                // behind the request and this first message, once they landed; each write conditional on the
                // count before it, so one lost while the store reconnects leaves no hole that later ones sit behind
                appends = new GroupCommit((preceding, messages, closes) -> hub.appendAllAfter(session.sessionId(),
                        exchange.streamId(), preceding, Direction.SERVER_TO_CLIENT, messages, closes), writer, 2,
                        appending);
            } else if (request) {
                appending = appends.append(data, last);
            } else {
                appending = hub.appendAsync(session.sessionId(), exchange.streamId(), Direction.SERVER_TO_CLIENT,
                        data, last);
            }
            if (last) {
                // the servlet's writing thread waits for the final response to be durable, then writes it itself
                // (CapturingResponse), with no hand-over to another thread: the call's one blocking round trip when
                // the answer opens the stream, else it waits behind the stream's write on its way too (each write
                // bounded by the store's command timeout)
                appending.handle((v, e) -> null).join();
            }
            return appending.thenApply(appended -> {
                if (last) {
                    closedStream = true; // only once stored: else the stream is ended with the failure (closeWhenDone)
                }
                return SseFrames.message(appended.id().toString(), data);
            });
        }

        /** @return what the final response to this POST's request says, or null when {@code data} is not it */
        private Answer finalAnswer(String data) {
            JsonNode requestId = exchange.messageId();
            if (requestId == null || (!data.contains("\"result\"") && !data.contains("\"error\""))) {
                return null;
            }
            Answer answer = answer(data, toolCall);
            return answer != null && requestId.equals(answer.id()) ? answer : null;
        }
    }

    /**
     * What a JSON-RPC response says, as far as the meters need it.
     *
     * @param id        the response's id; null when it has none
     * @param errorCode the code of its {@code error} as text; null for a result
     * @param toolError true for a {@code tools/call} result with {@code isError: true}
     */
    record Answer(JsonNode id, String errorCode, boolean toolError) {
    }

    /** @return the id of a JSON-RPC response (no {@code method}), or null for anything else or unparsable text */
    static JsonNode responseId(String message) {
        Answer answer = answer(message, false);
        return answer == null ? null : answer.id();
    }

    /**
     * Reads only the top level of a message (and of its {@code error}, and of a tool call's {@code result}), skipping
     * nested values: the hot path's one look at the answer.
     *
     * @param toolCall true to look for {@code result.isError}
     * @return what a JSON-RPC response (no {@code method}) says, or null for anything else or unparsable text
     */
    static Answer answer(String message, boolean toolCall) {
        try (JsonParser parser = Json.MAPPER.createParser(message)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode id = null;
            String code = null;
            boolean toolError = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("method".equals(name)) {
                    return null;
                }
                if ("id".equals(name)) {
                    id = Json.MAPPER.readTree(parser);
                } else if ("error".equals(name) && value == JsonToken.START_OBJECT) {
                    code = field(parser, "code", JsonToken.VALUE_NUMBER_INT);
                } else if (toolCall && "result".equals(name) && value == JsonToken.START_OBJECT) {
                    toolError = "true".equals(field(parser, "isError", JsonToken.VALUE_TRUE));
                } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                }
            }
            return new Answer(id, code, toolError);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Reads the rest of the object the parser is at the start of.
     *
     * @return the text of its field {@code wanted} when that is a {@code type} token, else null
     */
    private static String field(JsonParser parser, String wanted, JsonToken type) throws IOException {
        String found = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (wanted.equals(name) && value == type) {
                found = parser.getText();
            } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                parser.skipChildren();
            }
        }
        return found;
    }
}
