package dev.mcpstate.demo.prreview.internal.diff;

import java.util.List;

/**
 * One {@code @@ -a,b +c,d @@} hunk.
 *
 * @param oldStart first line in the old file (0 for a new file)
 * @param newStart first line in the new file (0 for a deleted file)
 * @param lines    the hunk's lines in order; unmodifiable
 */
public record Hunk(int oldStart, int newStart, List<DiffLine> lines) {

    public Hunk {
        lines = List.copyOf(lines);
    }
}
