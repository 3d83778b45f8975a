package dev.mcpstate.interceptor.sse;

/**
 * Formats SSE frames as mcp-state writes them to clients. Stateless and thread-safe.
 */
public final class SseFrames {

    /** The {@code event:} type the MCP Java SDK uses for JSON-RPC messages. */
    public static final String MESSAGE_EVENT = "message";

    private SseFrames() {
    }

    /**
     * A message event: {@code id}, {@code event: message}, and one {@code data:} line per line of {@code data}.
     *
     * @param id   the event id; null for an event that is not stored and cannot be resumed past
     * @param data the payload, usually one JSON-RPC message; not null
     * @return the frame text, ending with a blank line
     */
    public static String message(String id, String data) {
        StringBuilder frame = new StringBuilder(data.length() + 48);
        if (id != null) {
            frame.append("id: ").append(id).append('\n');
        }
        frame.append("event: ").append(MESSAGE_EVENT).append('\n');
        appendData(frame, data);
        return frame.append('\n').toString();
    }

    /**
     * A priming event: an event id and an empty data field (MCP spec 2025-11-25, "Sending Messages to the
     * Server", item 6), so that the client can resume from the very start of the stream.
     *
     * <p>No {@code retry:} field, although SEP-1699 suggests one: the MCP Java SDK 2.0.1 client fails the whole
     * stream on any SSE line other than {@code id}, {@code event} and {@code data} ("Invalid SSE response").
     */
    public static String priming(String id) {
        return "id: " + id + "\ndata: \n\n";
    }

    /** A comment line that keeps idle connections (and proxies) alive; clients ignore it. */
    public static String keepAlive() {
        return ": keep-alive\n\n";
    }

    private static void appendData(StringBuilder frame, String data) {
        int start = 0;
        for (int i = 0; i <= data.length(); i++) {
            if (i == data.length() || data.charAt(i) == '\n') {
                frame.append("data: ").append(data, start, i).append('\n');
                start = i + 1;
            }
        }
    }
}
