package dev.mcpstate.store;

/**
 * Lifecycle of an MCP session as mcp-state records it (MCP spec 2025-11-25, "Lifecycle" and "Session
 * Management").
 *
 * <pre>
 * INITIALIZED --notifications/initialized--> ACTIVE --DELETE--> CLOSED
 *      |                                        |
 *      +----------------idle TTL----------------+-----------> EXPIRED
 * </pre>
 */
public enum SessionStatus {
    /** The server answered {@code initialize} and issued the {@code Mcp-Session-Id}. */
    INITIALIZED,
    /** The client sent {@code notifications/initialized}. */
    ACTIVE,
    /** The client terminated the session with HTTP DELETE. Terminal. */
    CLOSED,
    /** The session stayed idle longer than its TTL. Terminal. */
    EXPIRED;

    /** @return true for {@link #CLOSED} and {@link #EXPIRED}: the session answers 404 from now on */
    public boolean isTerminal() {
        return this == CLOSED || this == EXPIRED;
    }
}
