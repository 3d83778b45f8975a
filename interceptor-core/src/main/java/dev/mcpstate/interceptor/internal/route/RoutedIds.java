package dev.mcpstate.interceptor.internal.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import dev.mcpstate.store.internal.Json;

/**
 * Namespaces the ids of server-to-client requests (elicitation, sampling, roots, ping) with the node instance that
 * issued them: {@code "mcps|<owner>|<original id as JSON>"}.
 *
 * <p>The SDK numbers these requests {@code <sessionId>-<counter>} with a counter per node, so two nodes can issue
 * the same id; and the client's answer may land on any node. The namespaced id is unique across nodes and says
 * where the answer must go; {@link #restore} gives the issuing SDK its own id back. Stateless and thread-safe.
 */
public final class RoutedIds {

    private static final String PREFIX = "mcps|";

    private RoutedIds() {
    }

    /** Where a routed response must go, and the id the issuing SDK knows. */
    public record Route(String owner, JsonNode originalId) {
        public Route {
            Objects.requireNonNull(owner, "owner must not be null");
            Objects.requireNonNull(originalId, "originalId must not be null");
        }
    }

    /**
     * Rewrites the id of a server-to-client JSON-RPC request; any other message is returned unchanged.
     *
     * @param owner   the issuing node instance; not null
     * @param message JSON-RPC message text; not null
     * @return the message text with a namespaced id, or {@code message} itself
     */
    public static String namespace(String owner, String message) {
        if (!message.contains("\"method\"") || !message.contains("\"id\"")) {
            return message;
        }
        JsonNode node = parse(message);
        if (!(node instanceof ObjectNode object) || !object.hasNonNull("method") || !object.hasNonNull("id")) {
            return message;
        }
        object.put("id", PREFIX + owner + "|" + object.get("id").toString());
        return object.toString();
    }

    /**
     * @param id the id of a JSON-RPC response a client sent; may be null
     * @return the route when the id is one that {@link #namespace} made, else empty
     */
    public static Optional<Route> route(JsonNode id) {
        if (id == null || !id.isTextual() || !id.asText().startsWith(PREFIX)) {
            return Optional.empty();
        }
        String text = id.asText();
        int bar = text.indexOf('|', PREFIX.length());
        if (bar < 0) {
            return Optional.empty();
        }
        JsonNode original = parse(text.substring(bar + 1));
        return original == null ? Optional.empty()
                : Optional.of(new Route(text.substring(PREFIX.length(), bar), original));
    }

    /**
     * @param response a client's JSON-RPC response; not null
     * @param route    its route; not null
     * @return the response text with the id the issuing SDK knows
     */
    public static String restore(JsonNode response, Route route) {
        ObjectNode copy = ((ObjectNode) response).deepCopy();
        copy.set("id", route.originalId());
        return copy.toString();
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
