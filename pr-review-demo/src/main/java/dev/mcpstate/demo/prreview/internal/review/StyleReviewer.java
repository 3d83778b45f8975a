package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.DiffLine;
import dev.mcpstate.demo.prreview.internal.diff.PatchSet;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Style checks:
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>rule</th><th>severity</th><th>finds</th></tr>
 *   <tr><td>{@code long-line}</td><td>low</td><td>an added line longer than {@value #MAX_LINE} characters (not in
 *       prose files)</td></tr>
 *   <tr><td>{@code naming}</td><td>low</td><td>snake_case names in Java, Kotlin, JavaScript and Go, camelCase
 *       functions and variables in Python, type names that do not start upper-case</td></tr>
 *   <tr><td>{@code todo-comment}</td><td>info</td><td>TODO, FIXME, XXX or HACK in new code</td></tr>
 *   <tr><td>{@code missing-test}</td><td>medium</td><td>a changed source file in a pull request that changes no
 *       test; reported at the file's first added line</td></tr>
 * </table>
 */
final class StyleReviewer extends RuleBasedReviewer {

    /** Longest line accepted, in characters. */
    static final int MAX_LINE = 120;

    private static final Pattern TODO = Pattern.compile("\\b(TODO|FIXME|XXX|HACK)\\b");
    private static final Pattern SNAKE_DECLARATION = Pattern.compile(
            "\\b(?:int|long|short|byte|char|boolean|double|float|String|var|val|let|const|function|func|"
                    + "[A-Z]\\w*(?:<[^>]*>)?)\\s+([a-z][a-z0-9]*_[a-z0-9_]*)\\s*(?:=|;|:|\\(|,|\\))");
    private static final Pattern LOWER_TYPE = Pattern.compile("\\b(?:class|interface|enum|record|struct)\\s+([a-z]\\w*)");
    private static final Pattern PY_CAMEL_DEF = Pattern.compile("^\\s*(?:async\\s+)?def\\s+([a-z]+[A-Z]\\w*)\\s*\\(");
    private static final Pattern PY_CAMEL_VARIABLE = Pattern.compile("^\\s*([a-z]+[A-Z]\\w*)\\s*=[^=]");
    private static final Pattern PY_LOWER_CLASS = Pattern.compile("^\\s*class\\s+([a-z_]\\w*)\\s*[(:]");

    StyleReviewer() {
        super(List.of(
                new LineRule("long-line", Severity.LOW, line -> line.language() != Language.DOC,
                        line -> line.text().length() > MAX_LINE
                                ? "line is " + line.text().length() + " characters, over the limit of " + MAX_LINE
                                        + ": wrap it" : null),
                LineRule.code("naming", Severity.LOW, StyleReviewer::naming),
                LineRule.code("todo-comment", Severity.INFO, line -> {
                    Matcher m = TODO.matcher(line.text());
                    return m.find() ? m.group(1) + " left in new code: finish it or track it in an issue" : null;
                })));
    }

    @Override
    public ReviewKind kind() {
        return ReviewKind.STYLE;
    }

    private static String naming(AddedLine line) {
        String code = LoopScanner.blank(line.text(), line.language());
        if (line.language() == Language.PYTHON) {
            Matcher m = PY_LOWER_CLASS.matcher(code);
            if (m.find()) {
                return "class '" + m.group(1) + "' should be CapWords (PEP 8)";
            }
            m = PY_CAMEL_DEF.matcher(code);
            if (m.find()) {
                return "function '" + m.group(1) + "' should be snake_case (PEP 8)";
            }
            m = PY_CAMEL_VARIABLE.matcher(code);
            return m.find() ? "variable '" + m.group(1) + "' should be snake_case (PEP 8)" : null;
        }
        if (line.language() == Language.JAVA || line.language() == Language.KOTLIN
                || line.language() == Language.JAVASCRIPT || line.language() == Language.GO
                || line.language() == Language.CSHARP) {
            Matcher m = LOWER_TYPE.matcher(code);
            if (m.find()) {
                return "type '" + m.group(1) + "' should be UpperCamelCase";
            }
            m = SNAKE_DECLARATION.matcher(code);
            if (m.find()) {
                return "'" + m.group(1) + "' is snake_case: " + language(line) + " names are camelCase";
            }
        }
        return null;
    }

    private static String language(AddedLine line) {
        return switch (line.language()) {
            case JAVASCRIPT -> "JavaScript";
            case CSHARP -> "C#";
            default -> line.language().name().charAt(0) + line.language().name().substring(1).toLowerCase(Locale.ROOT);
        };
    }

    @Override
    List<Finding> fileFindings(DiffFile file, PatchSet pr) {
        if (file.status() == DiffFile.Status.DELETED || !Language.of(file).isCode() || isTest(file)
                || pr.files().stream().anyMatch(StyleReviewer::isTest)) {
            return List.of();
        }
        List<DiffLine> added = file.addedLines();
        if (added.isEmpty()) {
            return List.of();
        }
        return List.of(finding(file, added.get(0).newLine(), Severity.MEDIUM, "missing-test",
                "code changed but no test in this pull request: add or update a test that covers it"));
    }

    /** @return true for a test source: under a test folder, or named like a test */
    static boolean isTest(DiffFile file) {
        String path = file.path();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return path.startsWith("test/") || path.startsWith("tests/") || path.contains("/test/")
                || path.contains("/tests/") || path.contains("/__tests__/")
                || name.matches("(?:.*Tests?|Test.*|IT\\w*|.*IT)\\.(?:java|kt|cs)")
                || name.matches("test_.*\\.py|.*_test\\.(?:py|go|rb)|.*\\.(?:test|spec)\\.[jt]sx?");
    }
}
