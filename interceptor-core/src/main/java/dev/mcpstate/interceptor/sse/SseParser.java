package dev.mcpstate.interceptor.sse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An incremental {@code text/event-stream} parser (WHATWG HTML 9.2.6, "Interpreting an event stream").
 *
 * <p>Bytes may arrive in any split: an event, a line, even a multi-byte UTF-8 character may straddle two calls to
 * {@link #feed(byte[], int, int)}. Lines end with CRLF, LF or CR. Multiple {@code data:} lines are joined with
 * {@code \n}. Comment lines ({@code :...}) and {@code retry:} are ignored. An event is dispatched on a blank line,
 * and only when it has a data, id or event field.
 *
 * <p>Not thread-safe: feed one parser from one thread at a time.
 */
public final class SseParser {

    private final Consumer<SseEvent> sink;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] carry = new byte[0];
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String id;
    private String event;
    private boolean hasData;
    private boolean lastWasCr;

    /** @param sink receives each complete event, in order, on the feeding thread; not null */
    public SseParser(Consumer<SseEvent> sink) {
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
    }

    /**
     * Feeds bytes of the stream.
     *
     * @param bytes  the buffer; not null
     * @param offset start in the buffer
     * @param length number of bytes
     */
    public void feed(byte[] bytes, int offset, int length) {
        ByteBuffer in;
        if (carry.length > 0) {
            byte[] joined = new byte[carry.length + length];
            System.arraycopy(carry, 0, joined, 0, carry.length);
            System.arraycopy(bytes, offset, joined, carry.length, length);
            in = ByteBuffer.wrap(joined);
        } else {
            in = ByteBuffer.wrap(bytes, offset, length);
        }
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        // an incomplete UTF-8 sequence at the end waits for the next feed
        carry = new byte[in.remaining()];
        in.get(carry);
        out.flip();
        feed(out);
    }

    /** Feeds already decoded characters of the stream. */
    public void feed(CharSequence chars) {
        int length = chars.length();
        int i = 0;
        while (i < length) {
            if (lastWasCr && chars.charAt(i) == '\n') { // the LF of a CRLF
                lastWasCr = false;
                i++;
                continue;
            }
            lastWasCr = false;
            int end = i;
            while (end < length && chars.charAt(end) != '\n' && chars.charAt(end) != '\r') {
                end++;
            }
            line.append(chars, i, end); // the line's text up to its end, in one copy
            if (end == length) {
                return; // the line goes on in the next feed
            }
            lastWasCr = chars.charAt(end) == '\r';
            endOfLine();
            i = end + 1;
        }
    }

    private void endOfLine() {
        if (line.length() == 0) {
            dispatch();
            return;
        }
        String text = line.toString();
        line.setLength(0);
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "id" -> id = value.indexOf('\0') >= 0 ? id : value;
            case "event" -> event = value;
            default -> {
                // retry and unknown fields are ignored
            }
        }
    }

    private void dispatch() {
        if (hasData || id != null || event != null) {
            sink.accept(new SseEvent(id, event, data.toString()));
        }
        data.setLength(0);
        hasData = false;
        id = null;
        event = null;
    }
}
