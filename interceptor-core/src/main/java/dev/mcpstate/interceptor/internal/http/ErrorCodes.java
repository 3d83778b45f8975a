package dev.mcpstate.interceptor.internal.http;

/**
 * JSON-RPC error codes in the bodies the session filter writes. The -326xx codes are JSON-RPC 2.0's; the
 * -320xx codes are server-defined (JSON-RPC 2.0, section 5.1) and follow the MCP TypeScript SDK where it has one.
 */
public final class ErrorCodes {

    /** The body is not valid JSON. HTTP 400. */
    public static final int PARSE_ERROR = -32700;
    /** The body is JSON but not a valid JSON-RPC message (a batch, an object id, no method). HTTP 400. */
    public static final int INVALID_REQUEST = -32600;
    /** The request's {@code params} are missing or of the wrong shape (e.g. {@code initialize} without them). */
    public static final int INVALID_PARAMS = -32602;
    /** An unexpected server fault; details are logged, never sent. HTTP 500. */
    public static final int INTERNAL_ERROR = -32603;
    /**
     * A header or method is missing or malformed (session id, {@code Last-Event-ID}): HTTP 400; an {@code Accept}
     * header without the media types the transport needs: HTTP 406; a {@code Last-Event-ID} the session does not
     * know (never issued, or its stream removed by retention): HTTP 410, the session staying valid.
     */
    public static final int BAD_REQUEST = -32000;
    /** The session is unknown, closed or expired (or another principal's). HTTP 404. */
    public static final int NOT_FOUND = -32001;
    /** The body is larger than the configured limit. HTTP 413. */
    public static final int TOO_LARGE = -32002;
    /** The session store is unreachable; retry after {@code Retry-After} seconds. HTTP 503. */
    public static final int STORAGE_UNAVAILABLE = -32003;
    /** The {@code Origin} header names a site that may not call this server. HTTP 403. */
    public static final int FORBIDDEN = -32004;
    /** The request carries no valid credentials; see {@code WWW-Authenticate}. HTTP 401. */
    public static final int UNAUTHORIZED = -32007;
    /** The node that produced a response stream stopped before the final response. Sent on the resumed stream. */
    public static final int STREAM_ABANDONED = -32005;
    /**
     * The caller sent more requests than the configured rate limit allows (summed over every node); retry after
     * {@code Retry-After} seconds. HTTP 429.
     */
    public static final int RATE_LIMITED = -32006;

    private ErrorCodes() {
    }
}
