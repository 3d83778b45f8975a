package dev.mcpstate.interceptor.internal.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The writer behind {@link CapturingResponse#getWriter()}: keeps what is written until {@link #flush()} (or until it
 * holds {@value #DRAIN_AT} characters), then writes it to the stream as UTF-8. One per response, so it is made
 * cheap: {@link java.io.OutputStreamWriter} allocates an 8 KiB buffer and a charset encoder each time. A surrogate
 * pair is never split by a drain on size; at flush or close every character held is written. Not thread-safe
 * ({@link java.io.PrintWriter} locks around it).
 */
final class Utf8Writer extends Writer {

    /** The most characters held before they are written on without a flush. */
    static final int DRAIN_AT = 8192;

    private final OutputStream out;
    private final StringBuilder held = new StringBuilder();

    Utf8Writer(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        held.append(chars, off, len);
        drainWhenFull();
    }

    @Override
    public void write(String text, int off, int len) throws IOException {
        held.append(text, off, off + len);
        drainWhenFull();
    }

    @Override
    public void write(int c) throws IOException {
        held.append((char) c);
        drainWhenFull();
    }

    @Override
    public void flush() throws IOException {
        drain(held.length());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        drain(held.length());
        out.close();
    }

    private void drainWhenFull() throws IOException {
        int end = held.length();
        if (end >= DRAIN_AT) {
            drain(Character.isHighSurrogate(held.charAt(end - 1)) ? end - 1 : end);
        }
    }

    private void drain(int end) throws IOException {
        if (end == 0) {
            return;
        }
        byte[] bytes = held.substring(0, end).getBytes(StandardCharsets.UTF_8);
        held.delete(0, end);
        out.write(bytes, 0, bytes.length);
    }
}
