package dev.mcpstate.interceptor.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes JSON-RPC error responses: {@code {"jsonrpc":"2.0","id":<id|null>,"error":{"code":..,"message":..}}} with
 * the HTTP status the MCP spec asks for. Messages are plain sentences; never a stack trace. Thread-safe.
 */
public final class JsonRpcErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRpcErrors() {
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
            return JSON.writeValueAsBytes(body(id, code, message));
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
        if (response.isCommitted()) {
            return false;
        }
        byte[] body = bytes(id, code, message);
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
