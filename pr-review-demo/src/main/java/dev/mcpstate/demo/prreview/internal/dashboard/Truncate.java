package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Map;

/** Shortens JSON for the tool log: long strings and arrays are cut, with a note of how much was left out. */
final class Truncate {

    static final int MAX_STRING = 160;
    static final int MAX_ARRAY = 8;

    private Truncate() {
    }

    /** @return a shortened copy; null gives JSON null */
    static JsonNode json(JsonNode node) {
        if (node == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (node.isTextual() && node.asText().length() > MAX_STRING) {
            String text = node.asText();
            return TextNode.valueOf(text.substring(0, MAX_STRING) + "… (" + text.length() + " chars)");
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < Math.min(node.size(), MAX_ARRAY); i++) {
                copy.add(json(node.get(i)));
            }
            if (node.size() > MAX_ARRAY) {
                copy.add("… " + (node.size() - MAX_ARRAY) + " more");
            }
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey(), json(field.getValue()));
            }
            return copy;
        }
        return node;
    }
}
