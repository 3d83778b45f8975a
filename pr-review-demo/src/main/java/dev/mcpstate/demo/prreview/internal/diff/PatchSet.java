package dev.mcpstate.demo.prreview.internal.diff;

import java.util.List;

/**
 * A parsed diff: the changed files of one pull request.
 *
 * @param title the patch subject ({@code Subject:} of a {@code git format-patch} mail, without {@code [PATCH]}),
 *              or null when the diff has none
 * @param files the changed files in diff order; never empty; unmodifiable
 */
public record PatchSet(String title, List<DiffFile> files) {

    public PatchSet {
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a patch set has at least one file");
        }
    }
}
