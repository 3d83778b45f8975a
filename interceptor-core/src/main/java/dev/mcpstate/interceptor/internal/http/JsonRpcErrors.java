package dev.mcpstate.interceptor.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.store.internal.Json;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes JSON-RPC error responses: {@code {"jsonrpc":"2.0","id":<id|null>,"error":{"code":..,"message":..}}} with
 * the HTTP status the MCP spec asks for. Messages are plain sentences; never a stack trace. Thread-safe.
 */
public final class JsonRpcErrors {

    private JsonRpcErrors() {
    }

    /**
     * The one mapping from an HTTP status to the JSON-RPC error code of its body, for answers where only the
     * status is known (the servlet's {@code sendError}, its error bodies, faults).
     *
     * @param status an HTTP status of 400 or more
     * @return the code from {@link ErrorCodes}
     */
    public static int codeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCodes.UNAUTHORIZED;
            case 403 -> ErrorCodes.FORBIDDEN;
            case 404 -> ErrorCodes.NOT_FOUND;
            case 413 -> ErrorCodes.TOO_LARGE;
            case 429 -> ErrorCodes.RATE_LIMITED;
            case 503 -> ErrorCodes.STORAGE_UNAVAILABLE;
            default -> status >= 500 ? ErrorCodes.INTERNAL_ERROR : ErrorCodes.BAD_REQUEST;
        };
    }

    /**
     * @param status an HTTP status of 400 or more
     * @return a plain message for it, used when the real one must not or cannot be shown
     */
    public static String messageFor(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 408 -> "Request timeout: the body did not arrive in time";
            case 410 -> "Gone";
            case 414 -> "Request URI too long";
            case 431 -> "Request header fields too large";
            case 413 -> "Request body too large";
            case 429 -> "Too many requests";
            case 503 -> "Service unavailable";
            default -> status >= 500 ? "Internal error" : "Bad request";
        };
    }

    /**
     * @param id      the id of the request being answered, or null when unknown
     * @param code    a code from {@link ErrorCodes}
     * @param message a plain message; not null
     * @return the JSON-RPC error response object
     */
    public static ObjectNode body(JsonNode id, int code, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("jsonrpc", "2.0");
        body.set("id", id == null || id.isMissingNode() ? JsonNodeFactory.instance.nullNode() : id);
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return body;
    }

    /** @return {@link #body(JsonNode, int, String)} serialized as UTF-8 bytes */
    public static byte[] bytes(JsonNode id, int code, String message) {
        try {
            return Json.MAPPER.writeValueAsBytes(body(id, code, message));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a JSON-RPC error", e);
        }
    }

    /**
     * Sends an error response unless the response is already committed (then nothing can be sent, and the caller
     * must abort the connection instead).
     *
     * @param response the response; not null
     * @param status   HTTP status, e.g. 400, 404, 413, 503
     * @param id       the id of the request being answered, or null
     * @param code     a code from {@link ErrorCodes}
     * @param message  a plain message; not null
     * @return true when the error was written; false when the response was already committed
     */
    public static boolean send(HttpServletResponse response, int status, JsonNode id, int code, String message)
            throws IOException {
        return sendBody(response, status, bytes(id, code, message));
    }

    /**
     * Sends a JSON body unless the response is already committed.
     *
     * @param response the response; not null
     * @param status   HTTP status
     * @param body     a JSON-RPC message, UTF-8; not null
     * @return true when it was written; false when the response was already committed
     */
    public static boolean sendBody(HttpServletResponse response, int status, byte[] body) throws IOException {
        if (response.isCommitted()) {
            return false;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
        return true;
    }
}
