package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.internal.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.sidecar.SidecarOptions;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arguments of one tool call, read and validated by name. Every failure throws {@link ToolError} with a
 * message naming the argument.
 */
public final class Args {

    /** Longest accepted TTL: 100 years, far below any overflow. */
    static final double MAX_TTL_SECONDS = 100.0 * 365 * 24 * 3600;

    private final Map<String, Object> values;
    private final SidecarOptions options;

    public Args(Map<String, Object> values, SidecarOptions options) {
        this.values = values == null ? Map.of() : values;
        this.options = options;
    }

    /** A non-blank string of at most {@link SidecarOptions#maxIdLength()} characters. */
    public String id(String name) {
        String value = optionalId(name);
        if (value == null) {
            throw new ToolError(name + " is required and must not be empty");
        }
        return value;
    }

    /** Like {@link #id} but absent, null or blank gives null. */
    public String optionalId(String name) {
        Object raw = values.get(name);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof String s)) {
            throw new ToolError(name + " must be a string");
        }
        if (s.isBlank()) {
            return null;
        }
        return limited(name, s);
    }

    /** A string that may be empty (a prefix); absent gives {@code ""}. */
    public String prefix(String name) {
        Object raw = values.get(name);
        if (raw == null) {
            return "";
        }
        if (!(raw instanceof String s)) {
            throw new ToolError(name + " must be a string");
        }
        return limited(name, s);
    }

    private String limited(String name, String s) {
        if (s.length() > options.maxIdLength()) {
            throw new ToolError(name + " is " + s.length() + " characters, over the limit of "
                    + options.maxIdLength());
        }
        return s;
    }

    /** A required, positive number of seconds (fractions allowed), as a Duration rounded up to milliseconds. */
    public Duration ttl(String name) {
        Duration ttl = optionalTtl(name);
        if (ttl == null) {
            throw new ToolError(name + " is required");
        }
        return ttl;
    }

    /** Like {@link #ttl} but absent or null gives null. */
    public Duration optionalTtl(String name) {
        Object raw = values.get(name);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof Number n)) {
            throw new ToolError(name + " must be a number of seconds");
        }
        double seconds = n.doubleValue();
        if (!Double.isFinite(seconds) || seconds <= 0) {
            throw new ToolError(name + " must be a positive number of seconds, was: " + raw);
        }
        if (seconds > MAX_TTL_SECONDS) {
            throw new ToolError(name + " must be at most " + (long) MAX_TTL_SECONDS + " seconds, was: " + raw);
        }
        return Duration.ofMillis((long) Math.ceil(seconds * 1000));
    }

    /** A whole number of at least {@code min}; absent gives {@code defaultValue} (null: required). */
    public Long integer(String name, long min, Long defaultValue) {
        Object raw = values.get(name);
        if (raw == null) {
            if (defaultValue == null) {
                throw new ToolError(name + " is required");
            }
            return defaultValue;
        }
        long value = wholeNumber(name, raw);
        if (value < min) {
            throw new ToolError(name + " must be at least " + min + ", was: " + value);
        }
        return value;
    }

    /** Like {@link #integer} but absent or null gives null. */
    public Long optionalInteger(String name, long min) {
        return values.get(name) == null ? null : integer(name, min, null);
    }

    private static long wholeNumber(String name, Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        try {
            if (raw instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (raw instanceof Number n) {
                return new BigDecimal(n.toString()).longValueExact();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // falls through to the error below
        }
        throw new ToolError(name + " must be a whole number, was: " + raw);
    }

    /**
     * Any JSON value (object, array, string, number, boolean or null), as compact JSON text of at most
     * {@link SidecarOptions#maxValueBytes()} UTF-8 bytes.
     *
     * @param required when false, an absent argument gives null; when true it is an error (an explicit JSON
     *     null is a value)
     */
    public String json(String name, boolean required) {
        if (!values.containsKey(name)) {
            if (required) {
                throw new ToolError(name + " is required (any JSON value)");
            }
            return null;
        }
        JsonNode tree;
        try {
            tree = Json.tree(values.get(name));
        } catch (IllegalArgumentException e) {
            throw new ToolError(name + " is not a JSON value");
        }
        if (hasNonFiniteNumber(tree)) {
            throw new ToolError(name + " is not valid JSON: NaN and Infinity are not JSON numbers");
        }
        String text = Json.write(tree);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > options.maxValueBytes()) {
            throw new ToolError(name + " is " + bytes + " bytes of JSON, over the limit of "
                    + options.maxValueBytes() + " bytes");
        }
        return text;
    }

    private static boolean hasNonFiniteNumber(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return !Double.isFinite(node.doubleValue());
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            if (hasNonFiniteNumber(it.next())) {
                return true;
            }
        }
        return false;
    }

    /** An object of string values; absent or null gives an empty map. */
    public Map<String, String> tags(String name) {
        Object raw = values.get(name);
        if (raw == null) {
            return Map.of();
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ToolError(name + " must be an object of string values, e.g. {\"team\": \"search\"}");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String v)) {
                throw new ToolError(name + "." + e.getKey() + " must be a string");
            }
            tags.put(limited(name + " key", String.valueOf(e.getKey())), limited(name + "." + e.getKey(), v));
        }
        return tags;
    }

    /** A plain string of at most {@link SidecarOptions#maxValueBytes()} UTF-8 bytes; required and non-blank. */
    public String text(String name) {
        Object raw = values.get(name);
        if (!(raw instanceof String s) || s.isBlank()) {
            throw new ToolError(name + " is required and must be a non-empty string");
        }
        if (s.getBytes(StandardCharsets.UTF_8).length > options.maxValueBytes()) {
            throw new ToolError(name + " is over the limit of " + options.maxValueBytes() + " bytes");
        }
        return s;
    }
}
