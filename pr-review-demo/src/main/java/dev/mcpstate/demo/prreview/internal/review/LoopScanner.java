package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.DiffLine;
import dev.mcpstate.demo.prreview.internal.diff.Hunk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks each hunk's new-file lines (context and added) and works out which added lines run inside a loop: by
 * braces for C-like languages ({@code for}, {@code while}, {@code do}, {@code .forEach(}), by indentation for
 * Python ({@code for}/{@code while} blocks, comprehensions). A hunk is read on its own, so a loop whose header lies
 * outside the hunk's context is not seen. String literals and comments are blanked before braces are counted.
 */
final class LoopScanner {

    private static final Pattern BRACE_LOOP = Pattern.compile(
            "(?:^|[\\s;{}])(?:for|while)\\s*\\(|^\\s*for\\b|\\.forEach\\s*[({]|(?:^|[\\s;{}])do\\s*(?:\\{|$)");
    private static final Pattern PY_LOOP = Pattern.compile("^\\s*(?:async\\s+)?(?:for|while)\\b.*:\\s*(?:#.*)?$");
    private static final Pattern PY_ONE_LINE_LOOP = Pattern.compile("^\\s*(?:for|while)\\b[^:]*:(?=\\s*\\S)");
    private static final Pattern PY_COMPREHENSION = Pattern.compile("[\\[({].*\\bfor\\b.+\\bin\\b.*[\\])}]");
    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`(?:\\\\.|[^`\\\\])*`");

    private LoopScanner() {
    }

    /** @return the file's added lines, in order, each with its loop text */
    static List<AddedLine> scan(DiffFile file) {
        Language language = Language.of(file);
        List<AddedLine> added = new ArrayList<>();
        for (Hunk hunk : file.hunks()) {
            List<DiffLine> lines = hunk.lines().stream().filter(DiffLine::inNewFile).toList();
            String[] loopTexts = language.indentBlocks() ? byIndentation(lines) : byBraces(lines, language);
            for (int i = 0; i < lines.size(); i++) {
                DiffLine line = lines.get(i);
                if (line.type() == DiffLine.Type.ADDED) {
                    added.add(new AddedLine(file, language, line.newLine(), line.text(), loopTexts[i]));
                }
            }
        }
        return added;
    }

    private static String[] byBraces(List<DiffLine> lines, Language language) {
        String[] loopTexts = new String[lines.size()];
        Deque<Integer> loops = new ArrayDeque<>(); // the brace depth at each open loop's header
        int depth = 0;
        boolean bodyIsNextLine = false;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).text();
            String code = blank(text, language);
            if (code.isBlank()) {
                loopTexts[i] = loops.isEmpty() ? null : text;
                continue;
            }
            if (bodyIsNextLine && code.trim().startsWith("{")) {
                loops.push(depth);
                bodyIsNextLine = false;
            }
            boolean inLoop = !loops.isEmpty() || bodyIsNextLine;
            bodyIsNextLine = false;
            Matcher header = BRACE_LOOP.matcher(code);
            boolean isHeader = header.find();
            if (inLoop) {
                loopTexts[i] = text;
            } else if (isHeader) {
                int body = header.group().contains("forEach") ? header.end() : code.indexOf('{', header.end());
                loopTexts[i] = body >= 0 && body < text.length() ? text.substring(body) : null;
            }
            if (isHeader) {
                if (code.indexOf('{', header.start()) >= 0) {
                    loops.push(depth);
                } else if (!header.group().contains("forEach") && !code.trim().endsWith(";")) {
                    bodyIsNextLine = true;
                }
            }
            for (char c : code.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                }
            }
            while (!loops.isEmpty() && depth <= loops.peek()) {
                loops.pop();
            }
        }
        return loopTexts;
    }

    private static String[] byIndentation(List<DiffLine> lines) {
        String[] loopTexts = new String[lines.size()];
        Deque<Integer> loops = new ArrayDeque<>(); // the indentation of each open loop's header
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).text();
            String code = blank(text, Language.PYTHON);
            if (code.isBlank()) {
                loopTexts[i] = loops.isEmpty() ? null : text;
                continue;
            }
            int indent = indentation(text);
            while (!loops.isEmpty() && indent <= loops.peek()) {
                loops.pop();
            }
            if (!loops.isEmpty() || PY_COMPREHENSION.matcher(code).find()) {
                loopTexts[i] = text;
            } else {
                Matcher oneLine = PY_ONE_LINE_LOOP.matcher(code);
                if (oneLine.find()) {
                    loopTexts[i] = text.substring(oneLine.end());
                }
            }
            if (PY_LOOP.matcher(code).matches()) {
                loops.push(indent);
            }
        }
        return loopTexts;
    }

    private static int indentation(String text) {
        int width = 0;
        for (char c : text.toCharArray()) {
            if (c == ' ') {
                width++;
            } else if (c == '\t') {
                width += 4;
            } else {
                break;
            }
        }
        return width;
    }

    /** @return the text with string literals' contents and comments replaced by spaces: same length, same offsets */
    static String blank(String text, Language language) {
        StringBuilder out = new StringBuilder(text);
        Matcher strings = STRING.matcher(text);
        while (strings.find()) {
            for (int i = strings.start() + 1; i < strings.end() - 1; i++) {
                out.setCharAt(i, ' ');
            }
        }
        String marker = language == Language.PYTHON || language == Language.SHELL || language == Language.RUBY
                ? "#" : "//";
        int comment = out.indexOf(marker);
        if (comment >= 0) {
            for (int i = comment; i < out.length(); i++) {
                out.setCharAt(i, ' ');
            }
        }
        return out.toString();
    }
}
