package dev.mcpstate.examples.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The final JSON-RPC response of a tool call and the node that served it, as the example clients print them.
 *
 * @param node    the {@code Mcp-State-Node} response header, or {@code ?} when absent
 * @param message the JSON-RPC response
 */
record Reply(String node, JsonNode message) {

    /**
     * Calls a tool and waits for its result.
     *
     * @throws SessionGoneException when the server answers 404: the session is unknown, closed or expired
     * @throws IllegalStateException on any other HTTP error
     */
    static Reply call(McpHttpClient client, String tool, String argumentsJson) {
        int id = client.nextId();
        try (McpHttpClient.Response response = client.post(McpHttpClient.toolCall(id, tool, argumentsJson, null))) {
            if (response.status() == 404 && client.sessionId() != null) {
                throw new SessionGoneException(client.sessionId());
            }
            return new Reply(response.node(), response.finalResponse(id));
        }
    }

    /**
     * @return the first text content of a tool result
     * @throws IllegalStateException when the response is a JSON-RPC error or a tool error
     */
    String text() {
        if (message.has("error")) {
            throw new IllegalStateException("JSON-RPC error: " + message.get("error"));
        }
        String text = message.at("/result/content/0/text").asText();
        if (message.at("/result/isError").asBoolean(false)) {
            throw new IllegalStateException("tool error: " + text);
        }
        return text;
    }

    /** The server answered 404: the session is unknown, closed (DELETEd) or expired. */
    static final class SessionGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SessionGoneException(String sessionId) {
            super("session " + sessionId + " is unknown, closed or expired");
        }
    }
}
