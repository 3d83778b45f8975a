package dev.mcpstate.demo.prreview.internal.diff;

import java.util.Objects;

/**
 * One line of a hunk.
 *
 * @param type    added, removed or unchanged context
 * @param newLine the line's number in the new file (1-based); for a removed line, the number of the new-file line
 *                it stood before
 * @param text    the line without its {@code +}, {@code -} or space marker and without the line end; not null
 */
public record DiffLine(Type type, int newLine, String text) {

    /** What a hunk line does. */
    public enum Type { ADDED, REMOVED, CONTEXT }

    public DiffLine {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(text, "text");
    }

    /** @return true for a line of the new file: added or context */
    public boolean inNewFile() {
        return type != Type.REMOVED;
    }
}
