package dev.mcpstate.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.StoreException;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one Jackson {@link ObjectMapper} of mcp-state, and the JSON text helpers the stores and the filter share.
 * Messages and sidecar values travel as JSON text; the stores never parse user values, only the tags map and
 * the small history values built here.
 *
 * <p>Thread-safe: {@link #MAPPER} is configured once, here, and never changed afterwards.
 */
public final class Json {

    /** The shared mapper; thread-safe; never reconfigure it. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final TypeReference<TreeMap<String, String>> TAGS = new TypeReference<>() {
    };

    private Json() {
    }

    /**
     * @param text JSON text; may be null
     * @return the parsed tree, or null when {@code text} is null or not JSON
     */
    public static JsonNode parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * @param bytes JSON as UTF-8 bytes; not null
     * @return the parsed tree, or null when the bytes are not JSON
     */
    public static JsonNode parseOrNull(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * @param text JSON text written by mcp-state
     * @return plain Java values (maps, lists, strings, numbers, booleans, null) that any JSON mapper serialises
     * @throws StoreException when stored text is not JSON (corrupt data)
     */
    public static Object toPlain(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored JSON is corrupt: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @return the value as compact JSON text
     * @throws IllegalArgumentException when the value has no JSON form
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** @return the tree of a Java value; throws IllegalArgumentException when it has no JSON form */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** @return tags as JSON text, keys sorted */
    public static String tagsToJson(Map<String, String> tags) {
        return write(new TreeMap<>(tags));
    }

    /**
     * @return tags parsed from {@link #tagsToJson} text
     * @throws StoreException when the stored text is corrupt
     */
    public static Map<String, String> tagsFromJson(String text) {
        try {
            return MAPPER.readValue(text, TAGS);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored workflow tags are corrupt: " + e.getOriginalMessage(), e);
        }
    }

    /** @return the string as a JSON string literal; null for null */
    public static String quote(String s) {
        return s == null ? null : write(s);
    }

    /** @return the history value of a checkpoint: {@code {"step":n,"output":<output>}}; null for null output */
    public static String checkpointValue(int step, String outputJson) {
        return outputJson == null ? null : "{\"step\":" + step + ",\"output\":" + outputJson + "}";
    }

    /** @return the history value of a reset: {@code {"cleared":n}} */
    public static String resetValue(long cleared) {
        return "{\"cleared\":" + cleared + "}";
    }
}
