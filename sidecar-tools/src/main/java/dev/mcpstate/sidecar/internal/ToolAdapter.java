package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.internal.Json;
import dev.mcpstate.sidecar.SidecarCaller;
import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.StoreException;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the tool groups into MCP SDK tool specifications. Each call: read the caller from the exchange's transport
 * context ({@link SidecarCaller#from}), scope the store to the caller's tenant, validate arguments, run the store
 * operation, answer with the structured result plus the same JSON as text. Bad input and storage faults become
 * tool results with {@code isError: true} and a plain message (never a stack trace); other exceptions
 * propagate to the SDK.
 */
public final class ToolAdapter {

    private static final Logger log = LoggerFactory.getLogger(ToolAdapter.class);

    private ToolAdapter() {
    }

    /**
     * @param store any view of the store; it gives the clock the uptime is measured by
     * @return the tool definitions of every group, in contract order (the workflow extensions with their group)
     */
    public static List<ToolDef> definitions(SidecarStore store, SidecarOptions options) {
        List<ToolDef> defs = new ArrayList<>();
        defs.addAll(new KeyValueTools().tools());
        defs.addAll(new WorkflowTools().tools());
        defs.addAll(new LeaseTools().tools());
        defs.addAll(new SessionTools(options).tools());
        defs.addAll(new HealthTools(store, options).tools());
        return defs;
    }

    /** @return the specifications for {@code McpServer.sync(...).tools(...)}; each call runs on the caller's tenant */
    public static List<SyncToolSpecification> specifications(SidecarStore store, SidecarOptions options) {
        return definitions(store, options).stream().map(def -> specification(def, store, options)).toList();
    }

    private static SyncToolSpecification specification(ToolDef def, SidecarStore store, SidecarOptions options) {
        McpSchema.Tool tool = McpSchema.Tool.builder(def.name(), def.inputSchema())
                .description(def.description())
                .outputSchema(def.outputSchema())
                .annotations(new McpSchema.ToolAnnotations(null, def.readOnly(), def.destructive(), null, false, null))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> {
                    SidecarCaller caller = SidecarCaller.from(exchange == null ? null : exchange.transportContext());
                    return call(def, caller, store.forTenant(caller.principal()),
                            new Args(request.arguments(), options));
                })
                .build();
    }

    /**
     * Runs one tool for a caller.
     *
     * @param tenantStore the store scoped to the caller's tenant
     */
    public static CallToolResult call(ToolDef def, SidecarCaller caller, SidecarStore tenantStore, Args args) {
        try {
            Map<String, Object> result = def.handler().apply(new ToolCall(caller, tenantStore, args));
            return CallToolResult.builder().addTextContent(Json.write(result)).structuredContent(result).build();
        } catch (ToolError e) {
            log.debug("tool={} rejected input: {}", def.name(), e.getMessage());
            return error(e.getMessage());
        } catch (StoreException e) {
            log.warn("tool={} storage fault", def.name(), e);
            return error("Storage fault, nothing was changed: " + e.getMessage());
        }
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().isError(true).addTextContent(message).build();
    }
}
