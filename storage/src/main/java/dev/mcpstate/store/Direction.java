package dev.mcpstate.store;

/** Which way a JSON-RPC message travelled. */
public enum Direction {
    /** From the client to the server: a POST body. */
    CLIENT_TO_SERVER,
    /** From the server to the client: a JSON response body or an SSE event. */
    SERVER_TO_CLIENT
}
