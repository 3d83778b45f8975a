package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.internal.Json;
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
 * Turns the tool groups into MCP SDK tool specifications. Each call: validate arguments, run the store
 * operation, answer with the structured result plus the same JSON as text. Bad input and storage faults become
 * tool results with {@code isError: true} and a plain message (never a stack trace); other exceptions
 * propagate to the SDK.
 */
public final class ToolAdapter {

    private static final Logger log = LoggerFactory.getLogger(ToolAdapter.class);

    private ToolAdapter() {
    }

    /** @return the tool definitions of every group, in contract order (the workflow extensions with their group) */
    public static List<ToolDef> definitions(SidecarStore store, SidecarOptions options) {
        List<ToolDef> defs = new ArrayList<>();
        defs.addAll(new KeyValueTools(store).tools());
        defs.addAll(new WorkflowTools(store).tools());
        defs.addAll(new LeaseTools(store).tools());
        defs.addAll(new SessionTools(store, options).tools());
        defs.addAll(new HealthTools(store).tools());
        return defs;
    }

    /** @return the specifications for {@code McpServer.sync(...).tools(...)} */
    public static List<SyncToolSpecification> specifications(SidecarStore store, SidecarOptions options) {
        return definitions(store, options).stream().map(def -> specification(def, options)).toList();
    }

    private static SyncToolSpecification specification(ToolDef def, SidecarOptions options) {
        McpSchema.Tool tool = McpSchema.Tool.builder(def.name(), def.inputSchema())
                .description(def.description())
                .outputSchema(def.outputSchema())
                .annotations(new McpSchema.ToolAnnotations(null, def.readOnly(), def.destructive(), null, false, null))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> call(def, new Args(request.arguments(), options)))
                .build();
    }

    /** Runs one tool; exposed for the in-process test harness. */
    public static CallToolResult call(ToolDef def, Args args) {
        try {
            Map<String, Object> result = def.handler().apply(args);
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
