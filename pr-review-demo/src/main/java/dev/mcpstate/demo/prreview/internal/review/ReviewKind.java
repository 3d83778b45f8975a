package dev.mcpstate.demo.prreview.internal.review;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The three kinds of reviewer agents, each with its own deterministic reviewer. */
public enum ReviewKind {
    SECURITY("Security"), PERFORMANCE("Performance"), STYLE("Style");

    private final String label;

    ReviewKind(String label) {
        this.label = label;
    }

    /** @return the name used in tags, keys and JSON: {@code security}, {@code performance} or {@code style} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the name shown to people, e.g. {@code Security} */
    public String label() {
        return label;
    }

    /** @return this kind's reviewer; a new, stateless instance */
    public Reviewer reviewer() {
        return switch (this) {
            case SECURITY -> new SecurityReviewer();
            case PERFORMANCE -> new PerformanceReviewer();
            case STYLE -> new StyleReviewer();
        };
    }

    /**
     * @param name a wire name in any case
     * @return the kind
     * @throws IllegalArgumentException naming the three kinds when {@code name} is none of them
     */
    public static ReviewKind fromWireName(String name) {
        for (ReviewKind kind : values()) {
            if (kind.wireName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("kind must be one of " + wireNames() + ", was: " + name);
    }

    /** @return the wire names, in order */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ReviewKind::wireName).toList();
    }
}
