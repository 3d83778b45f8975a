package dev.mcpstate.demo.prreview.internal.review;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem a reviewer found in an added line. JSON: {@code {"kind","file","line","severity","rule","message"}}.
 *
 * @param kind     the reviewer kind's wire name ({@code security}, {@code performance}, {@code style}); not null
 * @param file     the file's path in the new tree; not null
 * @param line     the line number in the new file, 1-based
 * @param severity how bad it is; not null
 * @param rule     the rule id, e.g. {@code sql-concatenation}; not null
 * @param message  a one-line rationale; not null
 */
public record Finding(String kind, String file, int line, Severity severity, String rule, String message) {

    /** Worst first, then by file, line, kind and rule. */
    public static final Comparator<Finding> REPORT_ORDER = Comparator.comparing(Finding::severity)
            .thenComparing(Finding::file).thenComparingInt(Finding::line).thenComparing(Finding::kind)
            .thenComparing(Finding::rule);

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
    }

    /** @return {@code kind severity rule file:line}, the form the fixtures' expected findings are written in */
    public String summary() {
        return kind + " " + severity.wireName() + " " + rule + " " + file + ":" + line;
    }
}
