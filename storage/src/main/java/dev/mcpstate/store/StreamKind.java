package dev.mcpstate.store;

/** The two kinds of SSE stream of a Streamable HTTP session (MCP spec 2025-11-25, "Transports"). */
public enum StreamKind {
    /** The stream that answers one POSTed request; it ends after the response to that request. */
    RESPONSE,
    /** The session's listening stream, opened by GET; server-initiated messages; never ends by itself. */
    LISTENING
}
