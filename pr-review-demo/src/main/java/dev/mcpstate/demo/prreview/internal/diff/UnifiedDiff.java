package dev.mcpstate.demo.prreview.internal.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses unified diffs: the output of {@code git diff}, {@code git format-patch} (mail headers and the
 * {@code Subject:} line before the first file, the signature after the last), GitHub's {@code .diff} and
 * {@code .patch} views and plain {@code diff -u}. Hunk bodies are read by the line counts of their
 * {@code @@} header, so a removed line that starts with {@code "-- "} is still a removed line.
 *
 * <p>Stateless and thread-safe.
 */
public final class UnifiedDiff {

    private static final Pattern GIT_HEADER = Pattern.compile("^diff --git (?:\"?a/)?(.+?)\"? (?:\"?b/)?(.+?)\"?$");
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*$");
    private static final Pattern SUBJECT = Pattern.compile("^Subject:\\s*(?:\\[[^]]*]\\s*)?(.*)$");

    private UnifiedDiff() {
    }

    /**
     * @param text the diff; not null
     * @return its files, in order
     * @throws IllegalArgumentException with a message naming the line when the text holds no file diff, or a hunk
     *                                  header is malformed
     */
    public static PatchSet parse(String text) {
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        List<DiffFile> files = new ArrayList<>();
        String title = null;
        FileBuilder current = null;
        int i = 0;
        while (i < lines.length) {
            String line = lines[i];
            Matcher git = GIT_HEADER.matcher(line);
            if (git.matches()) {
                addTo(files, current);
                current = new FileBuilder(git.group(1), git.group(2));
                i++;
            } else if (line.startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ ")) {
                String oldName = pathOf(line.substring(4));
                String newName = pathOf(lines[i + 1].substring(4));
                if (current == null || current.sawNames || !current.hunks.isEmpty()) {
                    addTo(files, current);
                    current = new FileBuilder(oldName == null ? newName : oldName, newName == null ? oldName : newName);
                }
                current.names(oldName, newName);
                i += 2;
            } else if (line.startsWith("@@ ") && current != null) {
                i = readHunk(lines, i, current);
            } else if (current != null) {
                current.header(line);
                i++;
            } else {
                Matcher subject = SUBJECT.matcher(line);
                if (title == null && subject.matches() && !subject.group(1).isBlank()) {
                    StringBuilder folded = new StringBuilder(subject.group(1).trim());
                    while (i + 1 < lines.length && lines[i + 1].startsWith(" ") && !lines[i + 1].isBlank()) {
                        folded.append(' ').append(lines[++i].trim()); // a folded mail header
                    }
                    title = folded.toString();
                }
                i++;
            }
        }
        addTo(files, current);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("not a unified diff: no file changes found (expected 'diff --git' or "
                    + "'--- a/FILE' and '+++ b/FILE' lines followed by '@@' hunks)");
        }
        return new PatchSet(title, files);
    }

    private static int readHunk(String[] lines, int start, FileBuilder file) {
        Matcher m = HUNK.matcher(lines[start]);
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed hunk header at line " + (start + 1) + ": " + lines[start]);
        }
        int oldStart = Integer.parseInt(m.group(1));
        int oldLeft = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int newStart = Integer.parseInt(m.group(3));
        int newLeft = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        int newLine = newStart;
        List<DiffLine> body = new ArrayList<>();
        int i = start + 1;
        while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
            String line = lines[i];
            if (line.startsWith("\\")) { // "\ No newline at end of file"
                i++;
                continue;
            }
            char marker = line.isEmpty() ? ' ' : line.charAt(0);
            String content = line.isEmpty() ? "" : line.substring(1);
            if (marker == '+' && newLeft > 0) {
                body.add(new DiffLine(DiffLine.Type.ADDED, newLine++, content));
                newLeft--;
            } else if (marker == '-' && oldLeft > 0) {
                body.add(new DiffLine(DiffLine.Type.REMOVED, newLine, content));
                oldLeft--;
            } else if (marker == ' ' && oldLeft > 0 && newLeft > 0) {
                body.add(new DiffLine(DiffLine.Type.CONTEXT, newLine++, content));
                oldLeft--;
                newLeft--;
            } else {
                break; // the counts and the lines disagree: the hunk ends here
            }
            i++;
        }
        while (i < lines.length && lines[i].startsWith("\\")) {
            i++;
        }
        file.hunks.add(new Hunk(oldStart, newStart, body));
        return i;
    }

    private static void addTo(List<DiffFile> files, FileBuilder builder) {
        if (builder != null && (builder.sawNames || !builder.hunks.isEmpty() || builder.binary
                || builder.status != null)) {
            files.add(builder.build());
        }
    }

    /** @return the path of a {@code ---}/{@code +++} name: prefix {@code a/}/{@code b/} and timestamp removed; null for /dev/null */
    private static String pathOf(String name) {
        int tab = name.indexOf('\t');
        String path = (tab >= 0 ? name.substring(0, tab) : name).trim();
        if (path.startsWith("\"") && path.endsWith("\"") && path.length() > 1) {
            path = path.substring(1, path.length() - 1);
        }
        if (path.equals("/dev/null")) {
            return null;
        }
        if (path.startsWith("a/") || path.startsWith("b/")) {
            return path.substring(2);
        }
        return path;
    }

    private static final class FileBuilder {
        String oldPath;
        String newPath;
        DiffFile.Status status;
        boolean binary;
        boolean sawNames;
        final List<Hunk> hunks = new ArrayList<>();

        FileBuilder(String oldPath, String newPath) {
            this.oldPath = oldPath;
            this.newPath = newPath;
        }

        void names(String oldName, String newName) {
            sawNames = true;
            if (oldName == null) {
                status = DiffFile.Status.ADDED;
                oldPath = newName;
            } else {
                oldPath = oldName;
            }
            if (newName == null) {
                status = DiffFile.Status.DELETED;
                newPath = oldName;
            } else {
                newPath = newName;
            }
        }

        void header(String line) {
            if (line.startsWith("new file mode")) {
                status = DiffFile.Status.ADDED;
            } else if (line.startsWith("deleted file mode")) {
                status = DiffFile.Status.DELETED;
            } else if (line.startsWith("rename from ")) {
                oldPath = line.substring("rename from ".length());
                status = DiffFile.Status.RENAMED;
            } else if (line.startsWith("rename to ")) {
                newPath = line.substring("rename to ".length());
                status = DiffFile.Status.RENAMED;
            } else if (line.startsWith("Binary files ") || line.equals("GIT binary patch")) {
                binary = true;
            }
        }

        DiffFile build() {
            DiffFile.Status s = status;
            if (s == null) {
                s = oldPath.equals(newPath) ? DiffFile.Status.MODIFIED : DiffFile.Status.RENAMED;
            }
            return new DiffFile(newPath, oldPath, s, binary, hunks);
        }
    }
}
