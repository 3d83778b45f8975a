package dev.mcpstate.sidecar.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds structured results: ordered maps with times in epoch seconds. */
public final class Results {

    private Results() {
    }

    /** @return a new ordered map from alternating keys and values (values may be null) */
    public static Map<String, Object> of(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** @return epoch seconds with millisecond fraction, e.g. {@code 1767225600.25}; null for null */
    public static Double seconds(Instant instant) {
        return instant == null ? null : instant.toEpochMilli() / 1000.0;
    }
}
