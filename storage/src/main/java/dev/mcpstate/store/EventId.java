package dev.mcpstate.store;

import java.util.Objects;

/**
 * An SSE event id as mcp-state writes it: {@code <streamId>:<entryId>}, e.g. {@code r3f9c0a1b2d4e:17} (SQLite)
 * or {@code r3f9c0a1b2d4e:1732345678123-0} (Redis Streams entry id). Unique across all streams of a session and
 * encodes the stream (MCP spec 2025-11-25, "Resumability and Redelivery").
 *
 * <p>The entry id {@value #START} stands before the first event of a stream: it is the id of a stream's priming
 * event, and resuming from it replays the whole stream.
 *
 * @param streamId the stream: letters, digits, {@code _} and {@code -}, 1 to 64 characters
 * @param entryId  the position within the stream: digits and {@code -}, 1 to 40 characters
 */
public record EventId(String streamId, String entryId) {

    /** The entry id before the first event of every stream. */
    public static final String START = "0";

    /** The grammar of a stream id, as a regular expression; {@link #isStreamId} checks it without one. */
    static final String STREAM_ID = "[A-Za-z0-9_-]{1,64}";
    /** The grammar of an entry id, as a regular expression; {@link #isEntryId} checks it without one. */
    static final String ENTRY_ID = "[0-9]{1,20}(-[0-9]{1,19})?";

    public EventId {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(entryId, "entryId must not be null");
        // checked by hand, not by java.util.regex: every stored and every sent event makes an EventId
        if (!isStreamId(streamId)) {
            throw new IllegalArgumentException("streamId must match " + STREAM_ID + ", was: " + streamId);
        }
        if (!isEntryId(entryId)) {
            throw new IllegalArgumentException("entryId must match " + ENTRY_ID + ", was: " + entryId);
        }
    }

    /**
     * Parses the text of a {@code Last-Event-ID} header.
     *
     * @param text the header value; may be null
     * @return the event id
     * @throws IllegalArgumentException when the text is null or not of the form {@code <streamId>:<entryId>}
     */
    public static EventId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("event id is missing");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("event id must look like <streamId>:<entryId>, was: " + text);
        }
        return new EventId(text.substring(0, colon), text.substring(colon + 1));
    }

    /** @return true for the priming position before the first event */
    public boolean isStart() {
        return START.equals(entryId);
    }

    /** @return {@code <streamId>:<entryId>} */
    @Override
    public String toString() {
        return streamId + ":" + entryId;
    }

    /** @return true when {@code text} matches {@link #STREAM_ID} */
    static boolean isStreamId(String text) {
        int length = text.length();
        if (length < 1 || length > 64) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** @return true when {@code text} matches {@link #ENTRY_ID} */
    static boolean isEntryId(String text) {
        int dash = text.indexOf('-');
        return dash < 0 ? digits(text, 0, text.length(), 20)
                : digits(text, 0, dash, 20) && digits(text, dash + 1, text.length(), 19);
    }

    private static boolean digits(String text, int from, int to, int most) {
        if (to - from < 1 || to - from > most) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
