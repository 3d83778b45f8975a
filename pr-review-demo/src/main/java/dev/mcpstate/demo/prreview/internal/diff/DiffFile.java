package dev.mcpstate.demo.prreview.internal.diff;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The changes of one file.
 *
 * @param path    the file's path after the change (before it, for a deleted file), without {@code a/} or {@code b/};
 *                not null
 * @param oldPath the path before the change; differs from {@code path} for a rename; not null
 * @param status  what happened to the file
 * @param binary  true for a binary change (no hunks)
 * @param hunks   the hunks, in order; unmodifiable
 */
public record DiffFile(String path, String oldPath, Status status, boolean binary, List<Hunk> hunks) {

    /** What a change did to a file. */
    public enum Status {
        ADDED, MODIFIED, DELETED, RENAMED;

        /** @return the lower-case name used in JSON, e.g. {@code "added"} */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DiffFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(oldPath, "oldPath");
        Objects.requireNonNull(status, "status");
        hunks = List.copyOf(hunks);
    }

    /** @return the added lines, in order */
    public List<DiffLine> addedLines() {
        return hunks.stream().flatMap(h -> h.lines().stream()).filter(l -> l.type() == DiffLine.Type.ADDED).toList();
    }

    /** @return how many lines were added */
    public int additions() {
        return count(DiffLine.Type.ADDED);
    }

    /** @return how many lines were removed */
    public int deletions() {
        return count(DiffLine.Type.REMOVED);
    }

    private int count(DiffLine.Type type) {
        return (int) hunks.stream().flatMap(h -> h.lines().stream()).filter(l -> l.type() == type).count();
    }

    /** @return the file name's extension in lower case without the dot, or {@code ""} */
    public String extension() {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
