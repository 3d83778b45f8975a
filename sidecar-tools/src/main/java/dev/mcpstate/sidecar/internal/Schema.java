package dev.mcpstate.sidecar.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the JSON Schema of a tool's input or output: an object with described properties. Types: a JSON
 * Schema type name, a nullable type ({@code "string?"}), or null for any JSON value.
 */
public final class Schema {

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    private Schema() {
    }

    /** @return an empty object schema */
    public static Schema object() {
        return new Schema();
    }

    /** A required property. */
    public Schema required(String name, String type, String description) {
        required.add(name);
        return optional(name, type, description);
    }

    /** An optional property. */
    public Schema optional(String name, String type, String description) {
        Map<String, Object> property = new LinkedHashMap<>();
        if (type != null) {
            property.put("type", type.endsWith("?") ? List.of(type.substring(0, type.length() - 1), "null") : type);
        }
        property.put("description", description);
        properties.put(name, property);
        return this;
    }

    /** An optional object property whose values are strings (tags). */
    public Schema stringMap(String name, boolean isRequired, String description) {
        if (isRequired) {
            required.add(name);
        }
        properties.put(name, Map.of("type", "object", "additionalProperties", Map.of("type", "string"),
                "description", description));
        return this;
    }

    /** @return the schema as the map the MCP SDK expects */
    public Map<String, Object> build() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", List.copyOf(required));
        }
        return schema;
    }
}
