package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.PatchSet;

import java.util.List;

/** Reviews one changed file of a pull request. Implementations are stateless and thread-safe. */
public interface Reviewer {

    /** @return the kind of review this reviewer does */
    ReviewKind kind();

    /**
     * @param file one file of {@code pr}; not null
     * @param pr   the whole pull request, for checks that look across files; not null
     * @return the file's findings ordered by line, then rule; empty when there are none; never null
     */
    List<Finding> review(DiffFile file, PatchSet pr);
}
