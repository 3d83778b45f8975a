package dev.mcpstate.interceptor.ops;

/**
 * Names and tag keys of the meters the session filter records into
 * {@link dev.mcpstate.interceptor.InterceptorConfig.Builder#meterRegistry InterceptorConfig.meterRegistry}. Without a
 * registry nothing is recorded. The first two follow the OpenTelemetry semantic conventions for MCP; the others are
 * mcp-state's own, prefixed {@code mcp_state.}. Micrometer's Prometheus registry writes {@code .} as {@code _},
 * adds {@code _seconds} to timers and {@code _total} to counters, e.g.
 * {@code mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",gen_ai_tool_name="echo"}}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@value #OPERATION_DURATION}</td><td>timer (s), histogram</td><td>{@value #METHOD}, {@value #TOOL}
 *       ({@code tools/call}), {@value #OPERATION_NAME} ({@code execute_tool}, for {@code tools/call}),
 *       {@value #PROMPT} ({@code prompts/get}), {@value #PROTOCOL_VERSION}, {@value #ERROR_TYPE} and
 *       {@value #RPC_STATUS} (failures only)</td>
 *       <td>a POSTed request or notification, from its arrival until its final response (or 202) is sent, for SSE
 *       answers too</td></tr>
 *   <tr><td>{@value #SESSION_DURATION}</td><td>timer (s), histogram</td><td>{@value #PROTOCOL_VERSION},
 *       {@value #SESSION_END} ({@code deleted}, {@code expired})</td><td>a session, from initialize to its DELETE, or to
 *       its last request when it expired</td></tr>
 *   <tr><td>{@value #SESSIONS_ACTIVE}</td><td>gauge</td><td></td><td>sessions this node's SDK holds now</td></tr>
 *   <tr><td>{@value #SESSIONS_ADMITTED}</td><td>counter</td><td></td><td>stored sessions this node admitted into its
 *       SDK (after a restart, or created on another node)</td></tr>
 *   <tr><td>{@value #SESSIONS_EXPIRED}</td><td>counter</td><td></td><td>sessions this node found idle past their TTL
 *       and ended</td></tr>
 *   <tr><td>{@value #SESSIONS_PURGED}</td><td>counter</td><td></td><td>sessions this node's retention deleted from
 *       the store with their events (idle past their TTL, or ended), on its turn or when asked to run it</td></tr>
 *   <tr><td>{@value #STREAMS_OPEN}</td><td>gauge</td><td></td><td>SSE streams (GETs) this node serves now</td></tr>
 *   <tr><td>{@value #EVENTS_APPENDED}</td><td>counter</td><td>{@value #DIRECTION} ({@code client_to_server},
 *       {@code server_to_client})</td><td>messages this node stored</td></tr>
 *   <tr><td>{@value #EVENTS_REPLAYED}</td><td>counter</td><td></td><td>stored messages sent again after a
 *       {@code Last-Event-ID}</td></tr>
 *   <tr><td>{@value #EVENTS_TRIMMED}</td><td>counter</td><td></td><td>stored messages this node's retention removed,
 *       on its turn or when asked to run it: older than the event age, or of streams closed long enough ago (purged sessions' not
 *       counted)</td></tr>
 *   <tr><td>{@value #STORE_OPERATION_DURATION}</td><td>timer (s), histogram</td><td>{@value #DB_SYSTEM},
 *       {@value #DB_OPERATION} (e.g. {@code events.appendAsync}), {@value #ERROR_TYPE} (failures: the exception's simple class
 *       name)</td><td>one call of the session, event or rate-limit store, until its result (asynchronous calls
 *       too)</td></tr>
 *   <tr><td>{@value #REQUESTS_UNAVAILABLE}</td><td>counter</td><td>{@value #CAUSE} ({@code store},
 *       {@code not_started}, {@code streams_limit}, {@code authentication})</td><td>requests answered 503, or SSE
 *       answers ended by a store fault</td></tr>
 * </table>
 *
 * <p>{@value #ERROR_TYPE} of an operation is the HTTP status when the request failed at the HTTP level (e.g.
 * {@code 404}, {@code 503}), else the JSON-RPC error code of the answer (e.g. {@code -32602}, also in
 * {@value #RPC_STATUS}), else {@code tool_error} for a {@code tools/call} result with {@code isError: true}. Tag values
 * a client chooses are bounded: a method outside the MCP specification's list, and a tool or prompt name that never
 * got a successful answer on this node (or is not 1 to 128 of {@code A-Za-z0-9_.-}), are recorded as
 * {@value #OTHER}.
 *
 * <p>Every series of one meter carries the same tag keys: an attribute that does not apply (no tool, no error, no
 * protocol version yet) is an empty value, which Prometheus reads as absent. Prometheus registries before Micrometer
 * 1.17 (the one Spring Boot 4.0 manages) refuse a series whose keys differ from the meter's first.
 */
public final class McpStateMetrics {

    /** OpenTelemetry: an MCP request or notification as the server observed it. */
    public static final String OPERATION_DURATION = "mcp.server.operation.duration";
    /** OpenTelemetry: an MCP session as the server observed it. */
    public static final String SESSION_DURATION = "mcp.server.session.duration";
    /** Sessions this node's SDK holds now. */
    public static final String SESSIONS_ACTIVE = "mcp_state.sessions.active";
    /** Stored sessions admitted into this node's SDK. */
    public static final String SESSIONS_ADMITTED = "mcp_state.sessions.admitted";
    /** Sessions this node found idle past their TTL and ended. */
    public static final String SESSIONS_EXPIRED = "mcp_state.sessions.expired";
    /** Sessions this node's retention deleted from the store with their events. */
    public static final String SESSIONS_PURGED = "mcp_state.sessions.purged";
    /** SSE streams (GETs) this node serves now. */
    public static final String STREAMS_OPEN = "mcp_state.streams.open";
    /** Messages this node stored. */
    public static final String EVENTS_APPENDED = "mcp_state.events.appended";
    /** Stored messages sent again after a {@code Last-Event-ID}. */
    public static final String EVENTS_REPLAYED = "mcp_state.events.replayed";
    /** Stored messages this node's retention removed (aged out, or in streams closed long enough ago). */
    public static final String EVENTS_TRIMMED = "mcp_state.events.trimmed";
    /** One call of the session or event store. */
    public static final String STORE_OPERATION_DURATION = "mcp_state.store.operation.duration";
    /** Requests the filter could not serve for want of something (503), by cause. */
    public static final String REQUESTS_UNAVAILABLE = "mcp_state.requests.unavailable";

    /** Tag: the JSON-RPC method, e.g. {@code tools/call}. */
    public static final String METHOD = "mcp.method.name";
    /** Tag: the tool of a {@code tools/call}. */
    public static final String TOOL = "gen_ai.tool.name";
    /** Tag: {@code execute_tool} for a {@code tools/call}. */
    public static final String OPERATION_NAME = "gen_ai.operation.name";
    /** Tag: the prompt of a {@code prompts/get}. */
    public static final String PROMPT = "gen_ai.prompt.name";
    /** Tag: the protocol version the session negotiated. */
    public static final String PROTOCOL_VERSION = "mcp.protocol.version";
    /** Tag: what failed; absent on success. */
    public static final String ERROR_TYPE = "error.type";
    /** Tag: the JSON-RPC error code of the answer; absent unless it was an error. */
    public static final String RPC_STATUS = "rpc.response.status_code";
    /** Tag: how a session ended, {@code deleted} or {@code expired}. */
    public static final String SESSION_END = "mcp_state.session.end";
    /** Tag: {@code client_to_server} or {@code server_to_client}. */
    public static final String DIRECTION = "direction";
    /** Tag: why a request could not be served. */
    public static final String CAUSE = "cause";
    /** Tag: the storage backend, {@code sqlite}, {@code redis} or {@code memory} (or a backend's own name). */
    public static final String DB_SYSTEM = "db.system.name";
    /** Tag: the store method, {@code sessions.<method>}, {@code events.<method>} or {@code rate_limits.take}. */
    public static final String DB_OPERATION = "db.operation.name";
    /** A tag value a client chose that is not recorded as such. */
    public static final String OTHER = "_OTHER";

    private McpStateMetrics() {
    }
}
