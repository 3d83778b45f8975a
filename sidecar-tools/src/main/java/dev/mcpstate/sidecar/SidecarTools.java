package dev.mcpstate.sidecar;

import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.sidecar.internal.ToolAdapter;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;

import java.util.List;
import java.util.Objects;

/**
 * The state sidecar tools as MCP tool specifications, ready for any {@code McpServer.sync(...)} builder:
 *
 * <pre>{@code
 * Storage storage = Storage.open(StorageConfig.sqlite(Path.of("state.db")), Clock.systemUTC());
 * McpServer.sync(transportProvider)
 *         .serverInfo("my-server", "1.0")
 *         .tools(SidecarTools.specifications(storage.sidecar()))   // the whole set, one line
 *         .build();
 * }</pre>
 *
 * <p>The 19 contract tools ({@code state_set}, {@code state_get}, {@code state_delete}, {@code state_list},
 * {@code workflow_create}, {@code workflow_discover}, {@code workflow_claim}, {@code workflow_checkpoint},
 * {@code workflow_resume}, {@code workflow_status}, {@code workflow_list}, {@code lease_acquire},
 * {@code lease_release}, {@code lease_renew}, {@code session_save}, {@code session_restore},
 * {@code history_log}, {@code sidecar_health}, {@code sidecar_reset}) and the extensions
 * {@code workflow_complete} and {@code workflow_fail}. Every tool answers with structured content (a JSON
 * object, also sent as text) and declares input and output schemas; times are epoch seconds with a millisecond
 * fraction.
 *
 * <p>Errors: bad input (empty key, non-positive TTL, non-JSON or oversized value, unknown run for
 * {@code workflow_resume}/{@code workflow_status}, {@code n < 1}) gives a result with {@code isError: true} and
 * a plain message, with nothing written. A storage fault ({@link dev.mcpstate.store.StoreException}) also gives
 * {@code isError: true}. Expected outcomes (claim lost, lease held, version mismatch) are normal results.
 *
 * <p><b>Tenancy: one principal is one tenant.</b> Every call runs on the state of its caller's tenant only
 * ({@link SidecarStore#forTenant(String)} of the caller's principal): the agents calling as one principal share
 * keys, runs, leases, saved sessions and history and coordinate through them; agents of different principals never
 * see or touch each other's state, even under the same key, run id, resource id or session id ({@code state_list},
 * {@code workflow_discover}/{@code workflow_list}, {@code history_log} and the counts of {@code sidecar_health}
 * are per tenant too). The caller is read on every call from the request's SDK transport context
 * ({@link SidecarCaller#from}); over HTTP install {@link SidecarCallerExtractor} on the transport
 * ({@code HttpServletStreamableServerTransportProvider.builder().contextExtractor(new SidecarCallerExtractor())})
 * so the context holds {@code getUserPrincipal()} and {@code isUserInRole("admin")} of each request. A caller
 * without a principal (no authentication configured, no extractor, stdio) is anonymous: the anonymous tenant,
 * the store's own namespace ({@code store} as given), where data written before tenants existed stays.
 *
 * <p><b>Who may reset.</b> {@code sidecar_reset} of an admin principal wipes every tenant
 * ({@link SidecarStore#resetAll()}, result {@code scope: "all"}); of an anonymous caller it is refused unless
 * {@link SidecarOptions#allowAnonymousReset()}, and then wipes the anonymous tenant only ({@code scope:
 * "anonymous"}); any other principal is refused. A refusal is a tool error ({@code isError: true}) saying why, and
 * deletes nothing.
 *
 * <p>The specifications are thread-safe and share the store; the caller keeps ownership of the storage and
 * closes it after the server.
 */
public final class SidecarTools {

    /** The names of the 19 contract tools, in contract order. */
    public static final List<String> CONTRACT_TOOLS = List.of(
            "state_set", "state_get", "state_delete", "state_list",
            "workflow_create", "workflow_discover", "workflow_claim", "workflow_checkpoint", "workflow_resume",
            "workflow_status", "workflow_list",
            "lease_acquire", "lease_release", "lease_renew",
            "session_save", "session_restore", "history_log",
            "sidecar_health", "sidecar_reset");

    /** The names of the extension tools beyond the contract. */
    public static final List<String> EXTENSION_TOOLS = List.of("workflow_complete", "workflow_fail");

    private SidecarTools() {
    }

    /**
    XX
     */
    public static List<SyncToolSpecification> specifications(SidecarStore store) {
        return specifications(store, SidecarOptions.defaults());
    }

    /**
     * @param store the store the tools read and write, any view of it: each call runs on the view of its caller's
     *     tenant; not null
     * @param options input limits and who may reset; not null
     * @return the 21 tool specifications, grouped as in the contract; a new, unmodifiable list
     */
    public static List<SyncToolSpecification> specifications(SidecarStore store, SidecarOptions options) {
        Objects.requireNonNull(store, "store must not be null");
        Objects.requireNonNull(options, "options must not be null");
        return ToolAdapter.specifications(store, options);
    }

    /** @return every tool name this class provides: the contract tools, then the extensions */
    public static List<String> toolNames() {
        return java.util.stream.Stream.concat(CONTRACT_TOOLS.stream(), EXTENSION_TOOLS.stream()).toList();
    }
}
