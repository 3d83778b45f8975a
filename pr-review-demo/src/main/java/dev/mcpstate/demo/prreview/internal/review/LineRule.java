package dev.mcpstate.demo.prreview.internal.review;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A check of one added line: where it applies, and the rationale for a line that fails it (null when it passes).
 *
 * @param id       the rule id, e.g. {@code sql-concatenation}
 * @param severity the severity of its findings
 * @param applies  which lines it looks at
 * @param check    the rationale for a failing line, or null
 */
record LineRule(String id, Severity severity, Predicate<AddedLine> applies, Function<AddedLine, String> check) {

    /** @return a rule that applies to lines of program source */
    static LineRule code(String id, Severity severity, Function<AddedLine, String> check) {
        return new LineRule(id, severity, line -> line.language().isCode(), check);
    }
}
