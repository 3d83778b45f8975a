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
import dev.mcpstate.store.internal.Json;

/**
 * Reads and classifies a POST body, so that later links know what the client sent.
 *
 * <ul>
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

    private final int maxBodyBytes;

    /** @param maxBodyBytes largest accepted body, in bytes; positive */
    public RequestBody(int maxBodyBytes) {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was: " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        if (!"POST".equals(exchange.request().getMethod())) {
            chain.proceed();
            return;
        }
        long declared = exchange.request().getContentLengthLong();
        byte[] body = declared > maxBodyBytes ? null : readAtMost(exchange.request().getInputStream(), declared);
        if (body == null) {
            JsonRpcErrors.send(exchange.response(), 413, null, ErrorCodes.TOO_LARGE,
                    "Request body larger than " + maxBodyBytes + " bytes");
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
     * @param declared the Content-Length (not above the limit), or -1 when the body is chunked
     * @return the body, or null when a chunked body is larger than the limit
     */
    private byte[] readAtMost(InputStream in, long declared) throws IOException {
        if (declared >= 0) { // at most maxBodyBytes (checked before); the container ends the body there
            return in.readNBytes((int) declared);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) != -1) {
            if (out.size() + n > maxBodyBytes) {
                return null;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
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
