package dev.mcpstate.interceptor.internal.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.internal.capture.CapturingResponse;
import dev.mcpstate.store.SessionRecord;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Objects;

/**
 * One HTTP exchange on the MCP endpoint, as it passes the links of the session filter. Everything a link learns
 * that another link needs travels here: the parsed body ({@code RequestBody}), the session record
 * ({@code SessionGuard} for an existing session, {@code Lifecycle} once {@code initialize} created one), the
 * response stream id and the capture of the servlet's answer ({@code Capture}). Links may replace the request or
 * response with wrappers.
 *
 * <p>Not thread-safe: an exchange belongs to the request thread, and to the response capture once the response
 * goes asynchronous. What the meters read when an asynchronous response completes — the answer's error, why the
 * request was unavailable — is volatile.
 */
public final class Exchange {

    /** What a POST body holds (MCP spec 2025-11-25, "Sending Messages to the Server"). */
    public enum MessageKind {
        /** The {@code initialize} request: opens a session. */
        INITIALIZE,
        /** A JSON-RPC request other than {@code initialize}: the server answers with JSON or an SSE stream. */
        REQUEST,
        /** A JSON-RPC notification: answered 202. */
        NOTIFICATION,
        /** A JSON-RPC response to a server-initiated request: answered 202. */
        RESPONSE,
        /** A JSON array (batch, protocol 2025-03-26 only) or anything else not classified above. */
        OTHER,
        /** Not a POST. */
        NONE
    }

    /** Why the filter could not serve a request (503, or an SSE answer cut by the store), for the meters. */
    public enum Unavailable {
        /** The store failed or is known to be down. */
        STORE("store"),
        /** The filter is not started (before {@code init}, after {@code destroy}). */
        NOT_STARTED("not_started"),
        /** The node serves {@code maxOpenStreams} streams already. */
        STREAMS_LIMIT("streams_limit"),
        /** The authenticator cannot check credentials now (e.g. the OAuth issuer's keys are unreachable). */
        AUTHENTICATION("authentication");

        private final String tag;

        Unavailable(String tag) {
            this.tag = tag;
        }

        /** @return the value of the {@code cause} tag, e.g. {@code store} */
        public String tag() {
            return tag;
        }
    }

    private HttpServletRequest request;
    private HttpServletResponse response;
    private byte[] body;
    private JsonNode message;
    private MessageKind kind = MessageKind.NONE;
    private String protocolVersion;
    private String principal;
    private SessionRecord session;
    private String streamId;
    private CapturingResponse capture;
    private String requestId;
    private long startedNanos;
    private long arrivedAtMillis;
    // written by the response's writer (SSE answers), read when the response completes: volatile
    private volatile String rpcErrorCode;
    private volatile boolean toolError;
    private volatile Unavailable unavailable;

    /**
     * @param request  the servlet request; not null
     * @param response the servlet response; not null
     */
    public Exchange(HttpServletRequest request, HttpServletResponse response) {
        this.request = Objects.requireNonNull(request, "request must not be null");
        this.response = Objects.requireNonNull(response, "response must not be null");
    }

    public HttpServletRequest request() {
        return request;
    }

    public void request(HttpServletRequest wrapped) {
        this.request = Objects.requireNonNull(wrapped, "request must not be null");
    }

    public HttpServletResponse response() {
        return response;
    }

    public void response(HttpServletResponse wrapped) {
        this.response = Objects.requireNonNull(wrapped, "response must not be null");
    }

    /** @return the POST body bytes, or null when not read (not a POST) */
    public byte[] body() {
        return body;
    }

    /** @return the parsed POST body, or null when not a POST */
    public JsonNode message() {
        return message;
    }

    /** Records the POST body and what it holds. */
    public void message(byte[] rawBody, JsonNode parsed, MessageKind messageKind) {
        this.body = rawBody;
        this.message = parsed;
        this.kind = messageKind;
    }

    public MessageKind kind() {
        return kind;
    }

    /** @return the JSON-RPC method of the POSTed request or notification, or null */
    public String method() {
        JsonNode method = message == null ? null : message.get("method");
        return method == null || !method.isTextual() ? null : method.asText();
    }

    /** @return the JSON-RPC id of the POSTed request or response, or null */
    public JsonNode messageId() {
        return message == null ? null : message.get("id");
    }

    /** @return the {@code MCP-Protocol-Version} in force: the header, else the session's, else null */
    public String protocolVersion() {
        if (protocolVersion != null) {
            return protocolVersion;
        }
        return session == null ? null : session.protocolVersion();
    }

    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    /** @return the authenticated caller's name, or null without authentication */
    public String principal() {
        return principal;
    }

    public void principal(String name) {
        this.principal = name;
    }

    /** @return the value of the {@code Mcp-Session-Id} request header, or null */
    public String sessionIdHeader() {
        String id = request.getHeader(Headers.MCP_SESSION_ID);
        return id == null || id.isBlank() ? null : id;
    }

    /** @return the stored session this exchange belongs to, or null before the session guard or for initialize */
    public SessionRecord session() {
        return session;
    }

    public void session(SessionRecord record) {
        this.session = record;
    }

    /** @return the id of the response stream this POST opens, or null */
    public String streamId() {
        return streamId;
    }

    public void streamId(String id) {
        this.streamId = id;
    }

    /**
     * @return the capture of the servlet's answer, set by {@code Capture} before the servlet runs; null before it
     *         (and for exchanges the filter answers itself)
     */
    public CapturingResponse capture() {
        return capture;
    }

    /** Installs the capture as the response the servlet sees. */
    public void capture(CapturingResponse wrapped) {
        this.capture = Objects.requireNonNull(wrapped, "capture must not be null");
        this.response = wrapped;
    }

    /** @return the request id echoed in {@code X-Request-Id}; null before the filter assigned one */
    public String requestId() {
        return requestId;
    }

    /**
     * @param id           the request id; not null
     * @param startedNanos    when the request arrived, in the meters' monotonic nanoseconds (0 without meters)
     * @param arrivedAtMillis when it arrived on the filter's clock, in epoch milliseconds
     */
    public void arrived(String id, long startedNanos, long arrivedAtMillis) {
        this.requestId = Objects.requireNonNull(id, "id must not be null");
        this.startedNanos = startedNanos;
        this.arrivedAtMillis = arrivedAtMillis;
    }

    /** @return when the request reached the filter, on the filter's clock, in epoch milliseconds */
    public long arrivedAtMillis() {
        return arrivedAtMillis;
    }

    /** @return when the request arrived, in the meters' monotonic nanoseconds (0 without meters) */
    public long startedNanos() {
        return startedNanos;
    }

    /**
     * Records what the final answer to the POSTed request said; called by {@code Capture} as the answer is stored.
     *
     * @param errorCode the JSON-RPC error code of the answer as text, e.g. {@code -32602}; null for a result
     * @param failedTool true for a {@code tools/call} result with {@code isError: true}
     */
    public void answered(String errorCode, boolean failedTool) {
        this.rpcErrorCode = errorCode;
        this.toolError = failedTool;
    }

    /** @return the JSON-RPC error code of the final answer as text, or null (a result, or not known) */
    public String rpcErrorCode() {
        return rpcErrorCode;
    }

    /** @return true when the final answer was a {@code tools/call} result with {@code isError: true} */
    public boolean toolError() {
        return toolError;
    }

    /** Records why the filter could not serve the request; the first cause recorded stays. */
    public void unavailable(Unavailable cause) {
        if (unavailable == null) {
            unavailable = cause;
        }
    }

    /** @return why the filter could not serve the request, or null when nothing was unavailable */
    public Unavailable unavailable() {
        return unavailable;
    }
}
