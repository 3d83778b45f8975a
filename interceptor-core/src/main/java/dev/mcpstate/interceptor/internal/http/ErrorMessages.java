package dev.mcpstate.interceptor.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.store.internal.Json;

import java.util.regex.Pattern;

/**
 * Keeps Java internals out of error bodies: a message that names a Java class, an exception type or a parser
 * location (the SDK's deserialization errors do) is replaced by a plain one for its JSON-RPC code. Thread-safe.
 */
public final class ErrorMessages {

    /** {@code java.util.HashMap}, {@code io.modelcontextprotocol.spec.McpSchema$JSONRPCRequest}, … */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][\\w$]*");
    /** {@code NullPointerException}, {@code StackOverflowError}, … */
    private static final Pattern THROWABLE = Pattern.compile("\\b[A-Z]\\w+(?:Exception|Error)\\b");

    private ErrorMessages() {
    }

    /** @return true when the message names no Java class, throwable, stack frame or parser location */
    public static boolean isSafe(String message) {
        return message != null && !CLASS_NAME.matcher(message).find() && !THROWABLE.matcher(message).find()
                && !message.contains("\tat ") && !message.contains("at [Source") && !message.contains("`");
    }

    /**
     * @param message a message from code we do not own; may be null
     * @param code    its JSON-RPC error code
     * @return the message when {@link #isSafe safe}, else a plain message for the code
     */
    public static String safe(String message, int code) {
        return isSafe(message) ? message : plain(code);
    }

    private static String dataText(ObjectNode error) {
        JsonNode data = error.get("data");
        return data == null ? "" : data.isTextual() ? data.asText() : data.toString();
    }

    /** @return a plain message for a JSON-RPC error code */
    public static String plain(int code) {
        return switch (code) {
            case ErrorCodes.PARSE_ERROR -> "Parse error";
            case ErrorCodes.INVALID_REQUEST -> "Invalid request";
            case -32601 -> "Method not found";
            case ErrorCodes.INVALID_PARAMS -> "Invalid params";
            case ErrorCodes.INTERNAL_ERROR -> "Internal error";
            default -> "Request failed";
        };
    }

    /**
     * @param message a serialized JSON-RPC message
     * @return the same text when it is no error response or names no Java internals; else the response with a
     *         plain message, and without {@code error.data} when that names them
     */
    public static String sanitizeResponse(String message) {
        if (!message.contains("\"error\"")) {
            return message;
        }
        JsonNode json = Json.parseOrNull(message);
        if (json == null || !json.isObject() || !(json.get("error") instanceof ObjectNode error)
                || (isSafe(error.path("message").asText("")) && isSafe(dataText(error)))) {
            return message;
        }
        error.put("message", safe(error.path("message").asText(null), error.path("code").asInt()));
        if (!isSafe(dataText(error))) {
            error.remove("data");
        }
        return json.toString();
    }
}
