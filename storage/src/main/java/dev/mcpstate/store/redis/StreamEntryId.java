package dev.mcpstate.store.redis;

/**
 * Redis Stream entry ids ({@code <ms>-<seq>}, two unsigned 64-bit numbers) as {@code long[2]}, compared
 * numerically on both parts. A bare {@code <ms>} means {@code <ms>-0}.
 */
final class StreamEntryId {

    private StreamEntryId() {
    }

    /** @return the two parts, or null when the text is not an entry id Redis could have issued */
    static long[] parse(String text) {
        if (text == null) {
            return null;
        }
        int dash = text.indexOf('-');
        try {
            return dash < 0
                    ? new long[] {unsigned(text), 0}
                    : new long[] {unsigned(text.substring(0, dash)), unsigned(text.substring(dash + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long unsigned(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new NumberFormatException("not an unsigned number: " + digits);
        }
        return Long.parseUnsignedLong(digits);
    }

    static String format(long[] id) {
        return Long.toUnsignedString(id[0]) + "-" + Long.toUnsignedString(id[1]);
    }

    static int compare(long[] a, long[] b) {
        int byMillis = Long.compareUnsigned(a[0], b[0]);
        return byMillis != 0 ? byMillis : Long.compareUnsigned(a[1], b[1]);
    }

    /** @return true for the greatest entry id, after which nothing can follow */
    static boolean isMax(long[] id) {
        return id[0] == -1L && id[1] == -1L;
    }
}
