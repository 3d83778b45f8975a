package dev.mcpstate.examples.conformance;

import dev.mcpstate.interceptor.ClusterRequestStateCodec;
import dev.mcpstate.interceptor.SessionlessFeatures;
import dev.mcpstate.jetty.McpStateJetty;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.InputResponses;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.feature.McpChangeBroadcaster;
import io.modelcontextprotocol.modern.server.feature.McpSyncPrompt;
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
     * @param state the wiring whose change feed the trigger tools broadcast through (so listeners on every node hear
     *              them); not null
     * @return the tools
     */
    public static List<McpSyncTool> all(McpStateJetty state) {
        McpChangeBroadcaster changes = state.changeFeed();
        return List.of(greeting(), multiRound(), multipleInputs(), customHeaders(),
                sampling("test_input_required_result_sampling"),
                sampling("test_input_required_result_capabilities"), roots(),
                trigger("test_trigger_tool_change", changes, new ServerChange.ToolsListChanged()),
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

    /**
     * {@code test_input_required_result_elicitation}: asks for {@code user_name} until the retry answers it (a retry
     * without it is asked again, extra answers are ignored), then greets.
     */
    private static McpSyncTool greeting() {
        return McpSyncTool.of(McpSchema.Tool.builder("test_input_required_result_elicitation", NO_ARGUMENTS)
                .description("Asks for the user's name with an InputRequiredResult, then greets").build(),
                capabilities("elicitation"), (ctx, request) -> {
                    String name = answer(request, "user_name", "name");
                    return McpSyncResponse.result(name == null
                            ? McpSchema.InputRequiredResult.builder()
                                    .elicit("user_name", form("What is your name?", "name")).build()
                            : text("Hello, " + name + "!"));
                });
    }

    /**
     * {@code test_input_required_result_multi_round}: three rounds, the state sealed anew in each (round 1 asks
     * {@code step1}, round 2 {@code step2}, round 3 answers with both).
     */
    private static McpSyncTool multiRound() {
        return McpSyncTool.of(McpSchema.Tool.builder("test_input_required_result_multi_round", NO_ARGUMENTS)
                .description("Two elicitations in two rounds, carried by evolving requestState").build(),
                capabilities("elicitation"), (ctx, request) -> {
                    String state = request.requestState();
                    String name = answer(request, "step1", "name");
                    String color = answer(request, "step2", "color");
                    if (state != null && state.startsWith("round-2:") && color != null) {
                        return McpSyncResponse.result(text("Hello, " + state.substring(8) + "! Your favorite color "
                                + "is " + color + "."));
                    }
                    if ("round-1".equals(state) && name != null) {
                        return McpSyncResponse.result(McpSchema.InputRequiredResult.builder()
                                .elicit("step2", form("Step 2: What is your favorite color?", "color"))
                                .requestState("round-2:" + name).build());
                    }
                    return McpSyncResponse.result(McpSchema.InputRequiredResult.builder()
                            .elicit("step1", form("Step 1: What is your name?", "name"))
                            .requestState("round-1").build());
                });
    }

    /**
     * A tool that asks the client's model (a {@code sampling/createMessage} input request, {@code capital_question})
     * and answers with the model's text; it needs the sampling capability only, so it never asks for elicitation.
     */
    @SuppressWarnings("deprecation") // sampling input requests: deprecated in 2026-07-28 but still in the protocol
    private static McpSyncTool sampling(String name) {
        McpSchema.CreateMessageRequest question = McpSchema.CreateMessageRequest.builder(List.of(
                new McpSchema.SamplingMessage(McpSchema.Role.USER,
                        McpSchema.TextContent.builder("What is the capital of France?").build())), 100).build();
        return McpSyncTool.of(McpSchema.Tool.builder(name, NO_ARGUMENTS)
                .description("Asks the client's model a question with an InputRequiredResult").build(),
                capabilities("sampling"), (ctx, request) -> {
                    Object answer = request.inputResponses() == null ? null
                            : request.inputResponses().get("capital_question");
                    return McpSyncResponse.result(answer == null
                            ? McpSchema.InputRequiredResult.builder().createMessage("capital_question", question)
                                    .build()
                            : text("The model answered: " + answer));
                });
    }

    /**
     * {@code test_input_required_result_multiple_inputs}: asks for a name, a model's greeting and the roots at once,
     * with state; answers once all three come back.
     */
    @SuppressWarnings("deprecation") // sampling and roots input requests, as above
    private static McpSyncTool multipleInputs() {
        McpSchema.CreateMessageRequest greet = McpSchema.CreateMessageRequest.builder(List.of(
                new McpSchema.SamplingMessage(McpSchema.Role.USER,
                        McpSchema.TextContent.builder("Generate a greeting").build())), 50).build();
        McpSchema.ClientCapabilities all = McpJsonDefaults.getMapper().convertValue(Map.of("elicitation", Map.of(),
                "sampling", Map.of(), "roots", Map.of()), McpSchema.ClientCapabilities.class);
        return McpSyncTool.of(McpSchema.Tool.builder("test_input_required_result_multiple_inputs", NO_ARGUMENTS)
                .description("Asks for an elicitation, a sampling and the roots in one InputRequiredResult").build(),
                all, (ctx, request) -> {
                    Map<String, Object> answers = request.inputResponses();
                    boolean complete = request.requestState() != null && answers != null
                            && answers.keySet().containsAll(List.of("user_name", "greeting", "client_roots"));
                    return McpSyncResponse.result(complete ? text("all three answered")
                            : McpSchema.InputRequiredResult.builder()
                                    .elicit("user_name", form("What is your name?", "name"))
                                    .createMessage("greeting", greet).listRoots("client_roots")
                                    .requestState("three-inputs").build());
                });
    }

    /**
     * {@code test_custom_headers}: one argument mirrored into an HTTP header ({@code x-mcp-header: Region}, so
     * {@code Mcp-Param-Region}; spec 2026-07-28, "Custom Headers from Tool Parameters"), which the SDK checks.
     */
    private static McpSyncTool customHeaders() {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("region",
                Map.of("type", "string", "x-mcp-header", "Region")));
        return McpSyncTool.of(McpSchema.Tool.builder("test_custom_headers", schema)
                .description("Echoes its region, which the client mirrors into Mcp-Param-Region").build(),
                (ctx, request) -> McpSyncResponse.result(text("region=" + (request.arguments() == null ? null
                        : request.arguments().get("region")))));
    }

    /**
     * @return the 2026-07-28-only fixture prompts: {@code test_input_required_result_prompt}, which asks for
     *         {@code user_context} before it answers (spec 2026-07-28: input_required on prompts/get)
     */
    public static List<McpSyncPrompt> prompts() {
        return List.of(McpSyncPrompt.of(McpSchema.Prompt.builder("test_input_required_result_prompt")
                .description("Asks for the context before it is rendered").build(), capabilities("elicitation"),
                (ctx, request) -> {
                    String context = answer(request.inputResponses(), "user_context", "context");
                    return McpSyncResponse.result(context == null
                            ? McpSchema.InputRequiredResult.builder().elicit("user_context",
                                    form("What context should the prompt use?", "context")).build()
                            : McpSchema.GetPromptResult.builder(List.of(new McpSchema.PromptMessage(
                                    McpSchema.Role.USER,
                                    McpSchema.TextContent.builder("Context: " + context).build()))).build());
                }));
    }

    /** {@code test_input_required_result_list_roots}: asks for the client's roots, then names them. */
    @SuppressWarnings("deprecation") // roots input requests: as for sampling
    private static McpSyncTool roots() {
        return McpSyncTool.of(McpSchema.Tool.builder("test_input_required_result_list_roots", NO_ARGUMENTS)
                .description("Asks for the client's roots with an InputRequiredResult").build(),
                capabilities("roots"), (ctx, request) -> {
                    Object roots = request.inputResponses() == null ? null
                            : request.inputResponses().get("client_roots");
                    return McpSyncResponse.result(roots == null
                            ? McpSchema.InputRequiredResult.builder().listRoots("client_roots").build()
                            : text("The client's roots: " + roots));
                });
    }

    /** @return the string {@code field} of the accepted elicitation answered under {@code key}, or null */
    private static String answer(McpSchema.CallToolRequest request, String key, String field) {
        return answer(request.inputResponses(), key, field);
    }

    private static String answer(Map<String, Object> inputResponses, String key, String field) {
        McpSchema.ElicitResult result = InputResponses.get(inputResponses, key,
                McpSchema.ElicitResult.class, McpJsonDefaults.getMapper());
        return result == null || result.content() == null || !(result.content().get(field) instanceof String value)
                ? null : value;
    }

    private static McpSchema.ElicitFormRequest form(String message, String field) {
        return new McpSchema.ElicitFormRequest(message, Map.of("type", "object", "properties",
                Map.of(field, Map.of("type", "string")), "required", List.of(field)), null);
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
