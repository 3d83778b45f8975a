package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;

/**
 * An added line as the checks see it.
 *
 * @param file     the file it belongs to
 * @param language the file's language
 * @param number   its line number in the new file
 * @param text     its text
 * @param loopText the part of the line that runs once per iteration of an enclosing loop: the whole text inside a
 *                 loop body, the part after the loop header for a one-line loop, or null outside any loop
 */
record AddedLine(DiffFile file, Language language, int number, String text, String loopText) {

    /** @return true when some of the line runs inside a loop */
    boolean inLoop() {
        return loopText != null;
    }

    /** @return true when the line starts at column 0 (module level in Python and scripts) */
    boolean topLevel() {
        return !text.isEmpty() && !Character.isWhitespace(text.charAt(0));
    }
}
