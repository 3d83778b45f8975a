package dev.mcpstate.sidecar;

import dev.mcpstate.store.sidecar.SidecarStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls the sidecar tools the way an MCP server does (through the tool specifications' handlers), and reads
 * results as JSON trees so assertions look the same in-process and over the wire.
 */
public final class ToolHarness {

    static final ObjectMapper MAPPER = dev.mcpstate.store.internal.Json.MAPPER;

    private final Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> caller;

    private ToolHarness(Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> caller) {
        this.caller = caller;
    }

    /** In-process, as an anonymous caller: calls the specifications' handlers directly. */
    public static ToolHarness inProcess(SidecarStore store, SidecarOptions options) {
        return inProcess(store, options, SidecarCaller.ANONYMOUS);
    }

    /**
     * In-process, as {@code caller}: calls the specifications' handlers directly with an SDK exchange whose
     * transport context holds the caller, as {@link SidecarCallerExtractor} makes it for an HTTP request.
     */
    public static ToolHarness inProcess(SidecarStore store, SidecarOptions options, SidecarCaller caller) {
        Map<String, SyncToolSpecification> specs = SidecarTools.specifications(store, options).stream()
                .collect(Collectors.toMap(s -> s.tool().name(), s -> s));
        McpSyncServerExchange exchange = new McpSyncServerExchange(
                new McpAsyncServerExchange("in-process", null, null, null, caller.toTransportContext()));
        return new ToolHarness(request -> {
            SyncToolSpecification spec = specs.get(request.name());
            assertThat(spec).as("tool " + request.name()).isNotNull();
            return spec.callHandler().apply(exchange, request);
        });
    }

    /** Through anything that answers a call request, e.g. an MCP client. */
    public static ToolHarness via(Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> caller) {
        return new ToolHarness(caller);
    }

    /** Calls a tool that must succeed; returns its structured content. */
    public JsonNode call(String tool, Object... namesAndValues) {
        McpSchema.CallToolResult result = raw(tool, namesAndValues);
        assertThat(result.isError()).as(tool + " failed: " + text(result)).isNotEqualTo(Boolean.TRUE);
        JsonNode structured = MAPPER.valueToTree(result.structuredContent());
        assertThat(structured.isObject()).as(tool + " structured content").isTrue();
        return structured;
    }

    /** Calls a tool that must fail with {@code isError}; returns its message. */
    public String error(String tool, Object... namesAndValues) {
        McpSchema.CallToolResult result = raw(tool, namesAndValues);
        assertThat(result.isError()).as(tool + " should fail, gave: " + text(result)).isTrue();
        return text(result);
    }

    public McpSchema.CallToolResult raw(String tool, Object... namesAndValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            args.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return caller.apply(new McpSchema.CallToolRequest(tool, args, null));
    }

    static String text(McpSchema.CallToolResult result) {
        return result.content().stream()
                .filter(McpSchema.TextContent.class::isInstance)
                .map(c -> ((McpSchema.TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }
}
