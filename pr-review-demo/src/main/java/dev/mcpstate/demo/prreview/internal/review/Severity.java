package dev.mcpstate.demo.prreview.internal.review;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How bad a finding is, worst first; JSON as the lower-case name ({@code "high"}). */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO;

    /** @return the lower-case name, e.g. {@code "critical"} */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name a name in any case
     * @return the severity
     * @throws IllegalArgumentException for an unknown name
     */
    @JsonCreator
    public static Severity fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
