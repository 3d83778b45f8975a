package dev.mcpstate.interceptor.internal.chain;

/** HTTP header names of the Streamable HTTP transport (MCP spec 2025-11-25) and of mcp-state. */
public final class Headers {

    /** The session id the server issues in the initialize response. */
    public static final String MCP_SESSION_ID = "Mcp-Session-Id";
    /** The protocol version the client negotiated, on every request after initialize. */
    public static final String MCP_PROTOCOL_VERSION = "MCP-Protocol-Version";
    /** The id of the last SSE event the client received, on a resuming GET. */
    public static final String LAST_EVENT_ID = "Last-Event-ID";
    /** Names the mcp-state node that served the request. */
    public static final String MCP_STATE_NODE = "Mcp-State-Node";
    /** How many seconds a client should wait before retrying after a 503 or a 429. */
    public static final String RETRY_AFTER = "Retry-After";
    /** The caller's request quota: the capacity of its token bucket (draft-ietf-httpapi-ratelimit-headers-06). */
    public static final String RATE_LIMIT_LIMIT = "RateLimit-Limit";
    /** Requests the caller may still send at once (draft-ietf-httpapi-ratelimit-headers-06). */
    public static final String RATE_LIMIT_REMAINING = "RateLimit-Remaining";
    /** Correlates a request with its logs: accepted from the client when it looks sane, else generated; echoed. */
    public static final String REQUEST_ID = "X-Request-Id";
    /** Browser origin of the request, validated against DNS rebinding. */
    public static final String ORIGIN = "Origin";

    private Headers() {
    }
}
