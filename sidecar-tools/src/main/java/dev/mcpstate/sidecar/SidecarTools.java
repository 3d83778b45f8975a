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
     * @param store the store the tools read and write; not null
     * @return the 21 tool specifications with {@link SidecarOptions#defaults()}
     */
    public static List<SyncToolSpecification> specifications(SidecarStore store) {
        return specifications(store, SidecarOptions.defaults());
    }

    /**
     * @param store the store the tools read and write; not null
     * @param options input limits; not null
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
