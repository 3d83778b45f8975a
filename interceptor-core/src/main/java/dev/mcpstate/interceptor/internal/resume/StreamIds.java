package dev.mcpstate.interceptor.internal.resume;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Names the streams of a session. Thread-safe. */
public final class StreamIds {

    /**
     * The id of a session's listening stream. There is one logical listening stream per session, whichever GET
     * connection, on whichever node, carries it: a client that reconnects with {@code Last-Event-ID} continues it.
     */
    public static final String LISTENING = "listen";

    private static final SecureRandom RANDOM = new SecureRandom();

    private StreamIds() {
    }

    /** @return a new response stream id: {@code r} and 12 random hex digits */
    public static String newResponseStream() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return "r" + HexFormat.of().formatHex(bytes);
    }
}
