package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.PatchSet;
import dev.mcpstate.demo.prreview.internal.diff.UnifiedDiff;

import java.util.ArrayList;
import java.util.List;

/** Small diffs for the rule tests: each line of a new file is an added line, numbered from 1. */
final class Diffs {

    private Diffs() {
    }

    /** @return the diff that adds a file holding {@code lines} */
    static String newFile(String path, String... lines) {
        StringBuilder diff = new StringBuilder("diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n"
                + "--- /dev/null\n+++ b/" + path + "\n@@ -0,0 +1," + lines.length + " @@\n");
        for (String line : lines) {
            diff.append('+').append(line).append('\n');
        }
        return diff.toString();
    }

    /** @return the findings of one reviewer kind on the whole patch, as {@code rule@line} */
    static List<String> findings(ReviewKind kind, String diff) {
        PatchSet patch = UnifiedDiff.parse(diff);
        List<String> found = new ArrayList<>();
        for (DiffFile file : patch.files()) {
            kind.reviewer().review(file, patch).forEach(f -> found.add(f.rule() + "@" + f.line()));
        }
        return found;
    }

    /** @return the full findings of one reviewer kind on a new file */
    static List<Finding> review(ReviewKind kind, String path, String... lines) {
        PatchSet patch = UnifiedDiff.parse(newFile(path, lines));
        return kind.reviewer().review(patch.files().get(0), patch);
    }
}
