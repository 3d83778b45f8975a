package dev.mcpstate.examples.conformance;

import dev.mcpstate.interceptor.ClusterRequestStateCodec;
import dev.mcpstate.interceptor.SessionlessFeatures;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.feature.McpChangeBroadcaster;
import io.modelcontextprotocol.modern.server.feature.McpSyncTool;
import io.modelcontextprotocol.modern.server.feature.ServerChange;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fixture tools of protocol 2026-07-28 only, on the SDK's modern API: they ask for input with an
 * {@code InputRequiredResult} and carry {@code requestState} (spec 2026-07-28, "Multi Round-Trip Requests"; the
 * conformance suite's {@code input-required-result-request-state} and {@code input-required-result-tampered-state}
 * scenarios), and the diagnostic tools of its {@code server-stateless} scenario. The state is sealed by the server's codec ({@link ClusterRequestStateCodec}), so a retry may go to any
 * node that shares the keys.
 */
public final class ConformanceInputTools {

    /** Asks for a confirmation together with single-use state; the retry with both answers {@value #STATE_OK}. */
    public static final String REQUEST_STATE = "test_input_required_result_request_state";
    /** Like {@link #REQUEST_STATE}, but the state may be presented again until it expires. */
    public static final String TAMPERED_STATE = "test_input_required_result_tampered_state";
    /** The word a retry whose state the server opened answers with. */
    public static final String STATE_OK = "state-ok";

    private static final Map<String, Object> NO_ARGUMENTS = Map.of("type", "object", "properties", Map.of());

    private ConformanceInputTools() {
    }

    /**
     * @param changes where the trigger tools broadcast their list changes (the cluster's feed, so listeners on every
     *                node hear them); not null
     * @return the tools
     */
    public static List<McpSyncTool> all(McpChangeBroadcaster changes) {
        return List.of(trigger("test_trigger_tool_change", changes, new ServerChange.ToolsListChanged()),
                trigger("test_trigger_prompt_change", changes, new ServerChange.PromptsListChanged()),
                confirming(REQUEST_STATE, true,
                        "Asks for a confirmation with single-use requestState; the retry answers state-ok"),
                confirming(TAMPERED_STATE, false,
                        "Asks for a confirmation with integrity-protected requestState; a tampered retry is refused"),
                McpSyncTool.of(McpSchema.Tool.builder("test_missing_capability", NO_ARGUMENTS)
                        .description("Needs the client's sampling capability (else -32021)").build(),
                        capabilities("sampling"), (ctx, request) -> McpSyncResponse.result(text("sampling declared"))),
                McpSyncTool.of(McpSchema.Tool.builder("test_streaming_elicitation", NO_ARGUMENTS)
                        .description("Answers on an SSE stream with an InputRequiredResult").build(),
                        capabilities("elicitation"), (ctx, request) -> McpSyncResponse.streaming(notifier ->
                                request.inputResponses() != null ? text("answered")
                                        : McpSchema.InputRequiredResult.builder().elicit("confirm", confirmForm())
                                                .build())),
                McpSyncTool.of(McpSchema.Tool.builder("test_logging_tool", NO_ARGUMENTS)
                        .description("Logs one message when the request asks for a log level").build(),
                        (ctx, request) -> McpSyncResponse.streaming(notifier -> {
                            if (ctx.meta().get(SessionlessFeatures.META_LOG_LEVEL) != null) {
                                notifier.notify("notifications/message", Map.of("level", "info", "data",
                                        "test_logging_tool ran"));
                            }
                            return text("logged");
                        })));
    }

    /** A tool that broadcasts one change to every {@code subscriptions/listen} stream of the cluster. */
    private static McpSyncTool trigger(String name, McpChangeBroadcaster changes, ServerChange change) {
        return McpSyncTool.of(McpSchema.Tool.builder(name, NO_ARGUMENTS)
                .description("Broadcasts " + change.method() + " to every listener").build(), (ctx, request) -> {
                    changes.broadcast(change);
                    return McpSyncResponse.result(text("broadcast " + change.method()));
                });
    }

    private static McpSchema.ClientCapabilities capabilities(String name) {
        return McpJsonDefaults.getMapper().convertValue(Map.of(name, Map.of()), McpSchema.ClientCapabilities.class);
    }

    private static McpSchema.ElicitFormRequest confirmForm() {
        return new McpSchema.ElicitFormRequest("Please confirm", Map.of("type", "object", "properties",
                Map.of("ok", Map.of("type", "boolean")), "required", List.of("ok")), null);
    }

    /** A tool that asks for {@code confirm} (a form elicitation) with state, and answers the retry that brings it. */
    private static McpSyncTool confirming(String name, boolean singleUse, String description) {
        return McpSyncTool.of(McpSchema.Tool.builder(name, NO_ARGUMENTS).description(description).build(),
                capabilities("elicitation"), (ctx, request) -> {
                    if (request.requestState() == null) {
                        String state = "confirm:" + UUID.randomUUID();
                        return McpSyncResponse.result(McpSchema.InputRequiredResult.builder()
                                .elicit("confirm", confirmForm())
                                .requestState(singleUse ? ClusterRequestStateCodec.singleUse(state) : state)
                                .build());
                    }
                    return McpSyncResponse.result(text(STATE_OK + ": " + request.requestState()
                            + (request.inputResponses() == null ? "" : ", answered " + request.inputResponses().keySet())));
                });
    }

    private static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().addContent(McpSchema.TextContent.builder(text).build()).build();
    }
}
