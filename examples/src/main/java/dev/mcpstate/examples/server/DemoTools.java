package dev.mcpstate.examples.server;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo tools of the example server: {@code echo} (a plain JSON-RPC round trip), {@code slow_count} (an SSE
 * response stream with progress and logging notifications, to demonstrate resumption) and {@code whoami}. Stateless and thread-safe.
 */
public final class DemoTools {

    /** Largest {@code count} that {@code slow_count} accepts. */
    public static final int MAX_COUNT = 10_000;
    /** Largest {@code interval_ms} that {@code slow_count} accepts: 1 minute. */
    public static final int MAX_INTERVAL_MS = 60_000;

    private DemoTools() {
    }

    /**
     * @param jsonMapper the SDK JSON mapper, for the input schemas; not null
     * @param nodeId     the serving node's id, reported by {@code whoami}; not null
     * @return {@code echo}, {@code slow_count}, {@code whoami}, {@code confirm_action} and {@code ask_model}
     */
    public static List<SyncToolSpecification> all(McpJsonMapper jsonMapper, String nodeId) {
        return List.of(echo(jsonMapper), slowCount(jsonMapper), whoami(jsonMapper, nodeId),
                confirmAction(jsonMapper), askModel(jsonMapper));
    }

    /**
     * {@code confirm_action(action)}: asks the user through elicitation ({@code elicitation/create}) whether to
     * perform {@code action}; returns {@code confirmed <action>}, {@code declined <action>} or
     * {@code cancelled <action>}. Needs a client with the elicitation capability.
     */
    public static SyncToolSpecification confirmAction(McpJsonMapper jsonMapper) {
        McpSchema.Tool tool = McpSchema.Tool.builder("confirm_action", jsonObject(jsonMapper, """
                        {"type":"object","properties":{"action":{"type":"string","description":"What to confirm"}},
                         "required":["action"]}"""))
                .description("Asks the user to confirm an action (elicitation) and reports the answer.")
                .build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            Object action = request.arguments() == null ? null : request.arguments().get("action");
            if (!(action instanceof String a)) {
                return error("confirm_action needs a string argument 'action'");
            }
            if (exchange.getClientCapabilities() == null || exchange.getClientCapabilities().elicitation() == null) {
                return error("confirm_action needs a client with the elicitation capability");
            }
            McpSchema.ElicitResult answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(
                    "Confirm: " + a + "?", Map.of("type", "object",
                            "properties", Map.of("confirm", Map.of("type", "boolean")),
                            "required", List.of("confirm"))).build());
            boolean confirmed = answer.action() == McpSchema.ElicitResult.Action.ACCEPT && answer.content() != null
                    && Boolean.TRUE.equals(answer.content().get("confirm"));
            String verdict = confirmed ? "confirmed"
                    : answer.action() == McpSchema.ElicitResult.Action.CANCEL ? "cancelled" : "declined";
            return CallToolResult.builder().addTextContent(verdict + " " + a).isError(false).build();
        }).build();
    }

    /**
     * {@code ask_model(prompt)}: asks the client's model through sampling ({@code sampling/createMessage}) and
     * returns {@code model <model> said: <text>}. Needs a client with the sampling capability.
     */
    public static SyncToolSpecification askModel(McpJsonMapper jsonMapper) {
        McpSchema.Tool tool = McpSchema.Tool.builder("ask_model", jsonObject(jsonMapper, """
                        {"type":"object","properties":{"prompt":{"type":"string","description":"The question"}},
                         "required":["prompt"]}"""))
                .description("Asks the client's language model (sampling) and returns its answer.")
                .build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            Object prompt = request.arguments() == null ? null : request.arguments().get("prompt");
            if (!(prompt instanceof String p)) {
                return error("ask_model needs a string argument 'prompt'");
            }
            // checked here, not left to the SDK: 2.0 fails at once, 2.2 would send the request and wait for it
            if (exchange.getClientCapabilities() == null || exchange.getClientCapabilities().sampling() == null) {
                return error("ask_model needs a client with the sampling capability");
            }
            McpSchema.CreateMessageResult answer = exchange.createMessage(McpSchema.CreateMessageRequest.builder(
                    List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                            McpSchema.TextContent.builder(p).build())), 200).build());
            String text = answer.content() instanceof McpSchema.TextContent t ? t.text() : String.valueOf(answer);
            return CallToolResult.builder().addTextContent("model " + answer.model() + " said: " + text)
                    .isError(false).build();
        }).build();
    }

    /**
     * {@code whoami()}: returns {@code session=<exchange.sessionId()> node=<nodeId>}, showing which node served the
     * call and that the session id is the same on every node and after restarts.
     */
    public static SyncToolSpecification whoami(McpJsonMapper jsonMapper, String nodeId) {
        McpSchema.Tool tool = McpSchema.Tool.builder("whoami",
                        jsonObject(jsonMapper, "{\"type\":\"object\",\"properties\":{}}"))
                .description("Returns the MCP session id as the server sees it and the id of the node serving "
                        + "the call.")
                .build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) ->
                CallToolResult.builder().addTextContent("session=" + exchange.sessionId() + " node=" + nodeId)
                        .isError(false).build()).build();
    }

    /** {@code echo(text)}: returns {@code text} as text content. */
    public static SyncToolSpecification echo(McpJsonMapper jsonMapper) {
        McpSchema.Tool tool = McpSchema.Tool.builder("echo", jsonObject(jsonMapper, """
                        {"type":"object","properties":{"text":{"type":"string","description":"Text to return"}},
                         "required":["text"]}"""))
                .description("Returns the given text unchanged.")
                .build();
        return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            Object text = request.arguments() == null ? null : request.arguments().get("text");
            if (!(text instanceof String s)) {
                return error("echo needs a string argument 'text'");
            }
            return CallToolResult.builder().addTextContent(s).isError(false).build();
        }).build();
    }

    /**
     * {@code slow_count(count, interval_ms)}: sends {@code count} progress notifications (when the request carries a
     * progress token) and a logging notification each, {@code interval_ms} apart, then returns
     * {@code counted <count>}.
     */
    public static SyncToolSpecification slowCount(McpJsonMapper jsonMapper) {
        McpSchema.Tool tool = McpSchema.Tool.builder("slow_count", jsonObject(jsonMapper, """
                        {"type":"object","properties":{
                          "count":{"type":"integer","minimum":0,"maximum":10000,"description":"Steps to count"},
                          "interval_ms":{"type":"integer","minimum":0,"maximum":60000,
                                         "description":"Milliseconds between steps"}},
                         "required":["count"]}"""))
                .description("Counts from 1 to count, one progress and one logging notification per step, "
                        + "interval_ms apart, then returns 'counted <count>'.")
                .build();
        return SyncToolSpecification.builder().tool(tool).callHandler(DemoTools::count).build();
    }

    private static CallToolResult count(McpSyncServerExchange exchange, CallToolRequest request) {
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        Integer count = integer(args.get("count"));
        Integer interval = args.containsKey("interval_ms") ? integer(args.get("interval_ms")) : Integer.valueOf(0);
        if (count == null || count < 0 || count > MAX_COUNT) {
            return error("slow_count needs an integer 'count' from 0 to " + MAX_COUNT);
        }
        if (interval == null || interval < 0 || interval > MAX_INTERVAL_MS) {
            return error("slow_count needs an integer 'interval_ms' from 0 to " + MAX_INTERVAL_MS);
        }
        Object token = request.progressToken();
        for (int i = 1; i <= count; i++) {
            if (token != null) {
                exchange.progressNotification(new ProgressNotification(token, (double) i, (double) count,
                        "step " + i + " of " + count, null));
            }
            exchange.loggingNotification(LoggingMessageNotification.builder(LoggingLevel.INFO,
                    "step " + i + " of " + count).logger("slow_count").build());
            if (interval > 0 && i < count) {
                LockSupport.parkNanos(interval * 1_000_000L);
            }
        }
        return CallToolResult.builder().addTextContent("counted " + count).isError(false).build();
    }

    /**
     * Parses a JSON object, e.g. a tool's input schema.
     *
     * @param jsonMapper the SDK JSON mapper; not null
     * @param text       JSON object text; not null
     * @return the object as a map
     * @throws UncheckedIOException when the text is not a JSON object
     */
    public static Map<String, Object> jsonObject(McpJsonMapper jsonMapper, String text) {
        try {
            return jsonMapper.readValue(text, new TypeRef<Map<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + text, e);
        }
    }

    private static Integer integer(Object value) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        return null;
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
