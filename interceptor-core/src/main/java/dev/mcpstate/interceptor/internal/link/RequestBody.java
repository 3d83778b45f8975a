package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.mcpstate.interceptor.internal.capture.CachedBodyRequest;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import jakarta.servlet.ServletException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import dev.mcpstate.store.internal.Checks;
import dev.mcpstate.store.internal.Json;

/**
 * Reads and classifies a POST body, so that later links know what the client sent.
 *
 * <ul>
 *   <li>Body not complete within the body deadline of the request's arrival at the filter (checked before every
 *       read, on the injected clock), or a read the container's read timeout failed: {@code 408} with JSON-RPC error
 *       {@link ErrorCodes#BAD_REQUEST} and {@code Connection: close}; a read that failed otherwise (malformed chunks,
 *       a client gone): {@code 400}, likewise.</li>
 *   <li>Body larger than the limit: {@code 413} with JSON-RPC error {@link ErrorCodes#TOO_LARGE}; the body is not
 *       read past the limit.</li>
 *   <li>Not JSON: {@code 400} with JSON-RPC {@link ErrorCodes#PARSE_ERROR} (-32700).</li>
 *   <li>JSON but not a JSON-RPC 2.0 message, a batch (MCP serves none since 2025-06-18, and the SDK none at all),
 *       or an id that is neither a string nor an integer (MCP, "Requests"): {@code 400} with
 *       {@link ErrorCodes#INVALID_REQUEST}.</li>
 *   <li>{@code params} that are not an object, or {@code tools/call} arguments that are not one:
 *       {@code 400} with {@link ErrorCodes#INVALID_PARAMS}.</li>
 * </ul>
 * The servlet then reads the same bytes again from a {@link CachedBodyRequest}.
 */
public final class RequestBody implements Interceptor {


    /** One JSON value and nothing after it: a message followed by more text is not JSON-RPC. */
    private static final ObjectReader STRICT = Json.MAPPER.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What {@link #readAtMost} returns for a body that did not arrive in time. */
    private static final byte[] LATE = new byte[0];
    /** A body whose read failed otherwise (malformed chunks, a client gone). */
    private static final byte[] UNREADABLE = new byte[0];

    private final int maxBodyBytes;
    private final long deadlineMillis;
    private final Clock clock;

    /**
     * @param maxBodyBytes largest accepted body, in bytes; positive
     * @param deadline     longest time the body may take to arrive, counted from the request's arrival at the
     *                     filter (the links before this one included); positive, at least 1 ms in effect
     * @param clock        measures that time; not null
     */
    public RequestBody(int maxBodyBytes, Duration deadline, Clock clock) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was: " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
        this.deadlineMillis = Math.max(1, Checks.positive(deadline, "deadline").toMillis());
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        if (!"POST".equals(exchange.request().getMethod())) {
            chain.proceed();
            return;
        }
        long declared = exchange.request().getContentLengthLong();
        long arrived = exchange.arrivedAtMillis();
        long lateAt = arrived > Long.MAX_VALUE - deadlineMillis ? Long.MAX_VALUE : arrived + deadlineMillis;
        byte[] body;
        try {
            body = declared > maxBodyBytes ? null : readAtMost(exchange.request().getInputStream(), declared, lateAt);
        } catch (IOException e) {
            // the container gave up waiting for the body (its read timeout), or could not read it
            body = timedOut(e) || clock.millis() > lateAt ? LATE : UNREADABLE;
        }
        if (body == null) {
            JsonRpcErrors.send(exchange.response(), 413, null, ErrorCodes.TOO_LARGE,
                    "Request body larger than " + maxBodyBytes + " bytes");
            return;
        }
        if (body == LATE || body == UNREADABLE) {
            exchange.response().setHeader("Connection", "close"); // the rest of the body is not worth waiting for
            try {
                JsonRpcErrors.send(exchange.response(), body == LATE ? 408 : 400, null, ErrorCodes.BAD_REQUEST,
                        body == LATE ? JsonRpcErrors.messageFor(408) : "Bad request: the body could not be read");
            } catch (IOException gone) {
                // the client is gone: nobody to answer
            }
            return;
        }
        JsonNode message;
        try {
            message = STRICT.readValue(body);
        } catch (JacksonException e) {
            JsonRpcErrors.send(exchange.response(), 400, null, ErrorCodes.PARSE_ERROR,
                    "Parse error: the body is not valid JSON");
            return;
        }
        if (message != null && message.isArray()) {
            JsonRpcErrors.send(exchange.response(), 400, null, ErrorCodes.INVALID_REQUEST,
                    "Invalid request: JSON-RPC batches are not supported; send one message per request");
            return;
        }
        JsonNode id = message == null ? null : message.get("id");
        if (id != null && !id.isNull() && !id.isTextual() && !id.isIntegralNumber()) {
            JsonRpcErrors.send(exchange.response(), 400, null, ErrorCodes.INVALID_REQUEST,
                    "Invalid request: the id must be a string or an integer");
            return;
        }
        MessageKind kind = classify(message);
        if (kind == null) {
            JsonRpcErrors.send(exchange.response(), 400, message == null ? null : message.get("id"),
                    ErrorCodes.INVALID_REQUEST, "Invalid request: the body is not a JSON-RPC 2.0 message");
            return;
        }
        String invalidParams = invalidParams(message);
        if (invalidParams != null) {
            JsonRpcErrors.send(exchange.response(), 400, id, ErrorCodes.INVALID_PARAMS, invalidParams);
            return;
        }
        exchange.message(body, message, kind);
        exchange.request(new CachedBodyRequest(exchange.request(), body));
        chain.proceed();
    }

    /**
     * Reads the body chunk by chunk, checking the deadline before every read.
     *
     * @param declared the Content-Length (not above the limit), or -1 when the body is chunked
     * @param lateAt   the deadline: the request's arrival at the filter plus the body deadline, epoch millis
     * @return the body; null when a chunked body is larger than the limit; {@link #LATE} when the deadline passed
     *         before the body was complete
     */
    private byte[] readAtMost(InputStream in, long declared, long lateAt) throws IOException {
        // a declared length is at most maxBodyBytes (checked before); the container ends the body there
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared >= 0 ? (int) declared : 8192);
        byte[] chunk = new byte[8192];
        while (declared < 0 || out.size() < declared) {
            if (clock.millis() > lateAt) {
                return LATE;
            }
            int want = declared < 0 ? chunk.length : (int) Math.min(chunk.length, declared - out.size());
            int n = in.read(chunk, 0, want);
            if (n == -1) {
                break;
            }
            if (out.size() + n > maxBodyBytes) {
                return null;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /** @return true when a read failed because the container's read timeout passed */
    private static boolean timedOut(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** @return why the params are not acceptable, or null when they are */
    private static String invalidParams(JsonNode message) {
        JsonNode params = message.get("params");
        if (params == null || params.isNull()) {
            return "tools/call".equals(message.path("method").asText())
                    ? "Invalid params: tools/call needs params with the tool's name" : null;
        }
        if (!params.isObject()) {
            return "Invalid params: params must be an object";
        }
        if ("tools/call".equals(message.path("method").asText())) {
            if (!params.path("name").isTextual()) {
                return "Invalid params: tools/call needs the tool's name";
            }
            JsonNode arguments = params.get("arguments");
            if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
                return "Invalid params: tools/call arguments must be an object";
            }
        }
        return null;
    }

    /** @return the kind, or null when the JSON is not a JSON-RPC message */
    static MessageKind classify(JsonNode message) {
        if (message == null || message.isMissingNode()) {
            return null;
        }
        if (message.isArray()) {
            return message.isEmpty() ? null : MessageKind.OTHER;
        }
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asText(null))) {
            return null;
        }
        JsonNode method = message.get("method");
        boolean hasId = message.hasNonNull("id");
        if (method != null) {
            if (!method.isTextual()) {
                return null;
            }
            if (!hasId) {
                return MessageKind.NOTIFICATION;
            }
            return "initialize".equals(method.asText()) ? MessageKind.INITIALIZE : MessageKind.REQUEST;
        }
        if (hasId && (message.has("result") || message.has("error"))) {
            return MessageKind.RESPONSE;
        }
        return null;
    }
}
