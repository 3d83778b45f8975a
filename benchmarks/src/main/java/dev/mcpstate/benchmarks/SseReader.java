package dev.mcpstate.benchmarks;

import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.interceptor.sse.SseParser;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/** Reads SSE events from a response body with the project's own incremental {@link SseParser}. */
final class SseReader {

    private final InputStream in;
    private final ArrayDeque<SseEvent> ready = new ArrayDeque<>();
    private final SseParser parser = new SseParser(ready::add);
    private final byte[] buffer = new byte[16 * 1024];

    SseReader(InputStream in) {
        this.in = in;
    }

    /** @return the next event, or null when the stream ended */
    SseEvent next() throws IOException {
        while (ready.isEmpty()) {
            int n = in.read(buffer);
            if (n < 0) {
                return null;
            }
            parser.feed(buffer, 0, n);
        }
        return ready.poll();
    }
}
