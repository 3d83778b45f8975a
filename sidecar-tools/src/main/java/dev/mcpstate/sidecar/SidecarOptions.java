package dev.mcpstate.sidecar;

import dev.mcpstate.store.internal.Checks;

/**
 * Input limits of the sidecar tools, and who besides admins may call {@code sidecar_reset}. Immutable and
 * thread-safe; build with {@link #builder()}.
 */
public final class SidecarOptions {

    /** Default largest {@code value}, {@code output} or {@code context}, as UTF-8 JSON text: 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    /** Default longest key, id or name, in characters: 512. */
    public static final int DEFAULT_MAX_ID_LENGTH = 512;
    /** Default largest {@code n} of {@code history_log}; larger requests are capped: 1000. */
    public static final int DEFAULT_MAX_HISTORY_ENTRIES = 1000;

    private static final SidecarOptions DEFAULTS = builder().build();

    private final int maxValueBytes;
    private final int maxIdLength;
    private final int maxHistoryEntries;
    private final boolean allowAnonymousReset;

    private SidecarOptions(Builder b) {
        this.maxValueBytes = b.maxValueBytes;
        this.maxIdLength = b.maxIdLength;
        this.maxHistoryEntries = b.maxHistoryEntries;
        this.allowAnonymousReset = b.allowAnonymousReset;
    }

    /** @return the defaults */
    public static SidecarOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        return new Builder().maxValueBytes(maxValueBytes).maxIdLength(maxIdLength)
                .maxHistoryEntries(maxHistoryEntries).allowAnonymousReset(allowAnonymousReset);
    }

    /** @return the largest JSON value accepted, in UTF-8 bytes; positive */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** @return the longest key, id or name accepted, in characters; positive */
    public int maxIdLength() {
        return maxIdLength;
    }

    /** @return the most history entries one call returns; positive */
    public int maxHistoryEntries() {
        return maxHistoryEntries;
    }

    /**
     * @return true when an anonymous caller (no principal) may call {@code sidecar_reset}, which then wipes the
     *     anonymous tenant only; false (the default) refuses it. Admin principals may always reset (every tenant);
     *     other principals never.
     */
    public boolean allowAnonymousReset() {
        return allowAnonymousReset;
    }

    /** Builds {@link SidecarOptions}; not thread-safe. */
    public static final class Builder {
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
        private int maxIdLength = DEFAULT_MAX_ID_LENGTH;
        private int maxHistoryEntries = DEFAULT_MAX_HISTORY_ENTRIES;
        private boolean allowAnonymousReset;

        private Builder() {
        }

        /** @param bytes largest JSON value in UTF-8 bytes; at least 1 */
        public Builder maxValueBytes(int bytes) {
            this.maxValueBytes = Checks.positive(bytes, "maxValueBytes");
            return this;
        }

        /** @param length longest key, id or name in characters; at least 1 */
        public Builder maxIdLength(int length) {
            this.maxIdLength = Checks.positive(length, "maxIdLength");
            return this;
        }

        /** @param entries most history entries per call; at least 1 */
        public Builder maxHistoryEntries(int entries) {
            this.maxHistoryEntries = Checks.positive(entries, "maxHistoryEntries");
            return this;
        }

        /**
         * @param allow true to let anonymous callers reset the anonymous tenant with {@code sidecar_reset} (for
         *     servers without authentication, e.g. local development and tests); default false
         */
        public Builder allowAnonymousReset(boolean allow) {
            this.allowAnonymousReset = allow;
            return this;
        }

        /** @return the immutable options */
        public SidecarOptions build() {
            return new SidecarOptions(this);
        }
    }
}
