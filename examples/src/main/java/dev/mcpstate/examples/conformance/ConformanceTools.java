package dev.mcpstate.examples.conformance;

import dev.mcpstate.examples.server.DemoTools;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.SamplingMessage;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * The tools that the server scenarios of the official conformance suite ({@code @modelcontextprotocol/conformance})
 * call, with the names, arguments and results its scenario sources and reference "everything server" use.
 * Stateless and thread-safe.
 *
 * <p>{@code test_sampling} and the elicitation tools send a server-to-client request and block the tool call until
 * the client's JSON-RPC response arrives (at most {@link ConformanceServer#REQUEST_TIMEOUT}); a failed or timed-out
 * request fails the call with a JSON-RPC error, so the suite reports it instead of accepting an error text.
 */
public final class ConformanceTools {

    /** A 1x1 red PNG pixel, base64. */
    public static final String PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    /** A minimal WAV file, base64. */
    public static final String WAV_BASE64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    /** Pause between the notifications of the logging and progress tools, as the scenarios describe (~50 ms). */
    static final long STEP_PAUSE_MS = 50;

    private static final String NO_ARGS = "{\"type\":\"object\",\"properties\":{}}";

    /**
     * The JSON Schema 2020-12 input schema of {@code json_schema_2020_12_tool}, as the scenario
     * {@code json-schema-2020-12} expects it back from {@code tools/list} ($schema, $defs with $anchor,
     * allOf/anyOf, if/then/else, additionalProperties).
     */
    static final String JSON_SCHEMA_2020_12 = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "$defs":{"address":{"$anchor":"addressDef","type":"object",
                                 "properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
             "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},
                           "contactMethod":{"type":"string","enum":["phone","email"]},
                           "phone":{"type":"string"},"email":{"type":"string"}},
             "allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],
             "if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},
             "then":{"required":["phone"]},"else":{"required":["email"]},
             "additionalProperties":false}""";

    private static final String ELICITATION_SCHEMA = """
            {"type":"object","properties":{"response":{"type":"string","description":"User's response"}},
             "required":["response"]}""";

    private static final String SEP1034_SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string","description":"User name","default":"John Doe"},
              "age":{"type":"integer","description":"User age","default":30},
              "score":{"type":"number","description":"User score","default":95.5},
              "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],
                        "default":"active"},
              "verified":{"type":"boolean","description":"Verification status","default":true}},
             "required":[]}""";

    private static final String SEP1330_SCHEMA = """
            {"type":"object","properties":{
              "untitledSingle":{"type":"string","description":"Select one option",
                                "enum":["option1","option2","option3"]},
              "titledSingle":{"type":"string","description":"Select one option with titles",
                              "oneOf":[{"const":"value1","title":"First Option"},
                                       {"const":"value2","title":"Second Option"},
                                       {"const":"value3","title":"Third Option"}]},
              "legacyEnum":{"type":"string","description":"Select one option (legacy)",
                            "enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},
              "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,
                               "items":{"type":"string","enum":["option1","option2","option3"]}},
              "titledMulti":{"type":"array","description":"Select multiple options with titles",
                             "minItems":1,"maxItems":3,
                             "items":{"anyOf":[{"const":"value1","title":"First Choice"},
                                               {"const":"value2","title":"Second Choice"},
                                               {"const":"value3","title":"Third Choice"}]}}},
             "required":[]}""";

    private ConformanceTools() {
    }

    /**
     * @param json the SDK JSON mapper, for the schemas; not null
     * @return every fixture tool, in a fixed order
     */
    public static List<SyncToolSpecification> all(McpJsonMapper json) {
        return List.of(
                tool(json, "test_simple_text", "Tests simple text content response", NO_ARGS,
                        (ex, req) -> result(text("This is a simple text response for testing."))),
                tool(json, "test_image_content", "Tests image content response", NO_ARGS,
                        (ex, req) -> result(png())),
                tool(json, "test_audio_content", "Tests audio content response", NO_ARGS,
                        (ex, req) -> result(AudioContent.builder(WAV_BASE64, "audio/wav").build())),
                tool(json, "test_embedded_resource", "Tests embedded resource content response", NO_ARGS,
                        (ex, req) -> result(embedded("test://embedded-resource", "text/plain", "This is an embedded resource content."))),
                tool(json, "test_multiple_content_types",
                        "Tests response with multiple content types (text, image, resource)", NO_ARGS,
                        (ex, req) -> result(text("Multiple content types test:"),
                                png(),
                                embedded("test://mixed-content-resource", "application/json",
                                        "{\"test\":\"data\",\"value\":123}"))),
                tool(json, "test_tool_with_logging", "Tests tool that emits log messages during execution", NO_ARGS,
                        ConformanceTools::withLogging),
                tool(json, "test_tool_with_progress", "Tests tool that reports progress notifications", NO_ARGS,
                        ConformanceTools::withProgress),
                tool(json, "test_error_handling", "Tests error response handling", NO_ARGS,
                        (ex, req) -> CallToolResult.builder()
                                .addTextContent("This tool intentionally returns an error for testing")
                                .isError(true).build()),
                tool(json, "test_reconnection", "Tests SSE stream disconnection and client reconnection (SEP-1699). "
                        + "MCP Java SDK 2.0.1 cannot close a response stream mid-call, so the result arrives on "
                        + "the original stream.", NO_ARGS,
                        (ex, req) -> result(text("Reconnection test completed successfully. If you "
                                + "received this, the client properly reconnected after stream closure."))),
                tool(json, "test_sampling", "Tests server-initiated sampling (LLM completion request)", """
                        {"type":"object","properties":{"prompt":{"type":"string",
                         "description":"The prompt to send to the LLM"}},"required":["prompt"]}""",
                        ConformanceTools::sampling),
                tool(json, "test_elicitation", "Tests server-initiated elicitation (user input request)", """
                        {"type":"object","properties":{"message":{"type":"string",
                         "description":"The message to show the user"}},"required":["message"]}""",
                        (ex, req) -> elicit(json, ex, stringArg(req, "message", "Please respond"),
                                ELICITATION_SCHEMA, "User response: ")),
                tool(json, "test_elicitation_sep1034_defaults", "Tests elicitation with default values per SEP-1034",
                        NO_ARGS, (ex, req) -> elicit(json, ex, "Please review and update the form fields with defaults",
                                SEP1034_SCHEMA, "Elicitation completed: ")),
                tool(json, "test_elicitation_sep1330_enums",
                        "Tests elicitation with enum schema improvements per SEP-1330", NO_ARGS,
                        (ex, req) -> elicit(json, ex, "Please select options from the enum fields",
                                SEP1330_SCHEMA, "Elicitation completed: ")),
                tool(json, "json_schema_2020_12_tool",
                        "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
                        JSON_SCHEMA_2020_12,
                        (ex, req) -> result(text("JSON Schema 2020-12 tool called with: "
                                + toJson(json, req.arguments() == null ? Map.of() : req.arguments())))));
    }

    private static SyncToolSpecification tool(McpJsonMapper json, String name, String description, String schema,
            BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder(name, DemoTools.jsonObject(json, schema))
                .description(description).build();
        return SyncToolSpecification.builder().tool(tool).callHandler(handler).build();
    }

    private static CallToolResult withLogging(McpSyncServerExchange exchange, CallToolRequest request) {
        List<String> steps = List.of("Tool execution started", "Tool processing data", "Tool execution completed");
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) {
                pause();
            }
            exchange.loggingNotification(LoggingMessageNotification.builder(LoggingLevel.INFO, steps.get(i))
                    .logger("conformance-test-server").build());
        }
        return result(text("Tool with logging executed successfully"));
    }

    private static CallToolResult withProgress(McpSyncServerExchange exchange, CallToolRequest request) {
        Object token = request.progressToken();
        for (int progress = 0; progress <= 100; progress += 50) {
            if (progress > 0) {
                pause();
            }
            if (token != null) {
                exchange.progressNotification(new ProgressNotification(token, (double) progress, 100.0,
                        "Completed step " + progress + " of 100", null));
            }
        }
        return result(text(String.valueOf(token == null ? 0 : token)));
    }

    private static CallToolResult sampling(McpSyncServerExchange exchange, CallToolRequest request) {
        String prompt = stringArg(request, "prompt", "Hello");
        CreateMessageResult reply = exchange.createMessage(CreateMessageRequest.builder(
                List.of(new SamplingMessage(McpSchema.Role.USER, text(prompt))), 100).build());
        String text = reply.content() instanceof TextContent t ? t.text() : String.valueOf(reply.content());
        return result(text("LLM response: " + text));
    }

    private static CallToolResult elicit(McpJsonMapper json, McpSyncServerExchange exchange, String message,
            String schema, String prefix) {
        ElicitResult reply = exchange.createElicitation(
                McpSchema.ElicitFormRequest.builder(message, DemoTools.jsonObject(json, schema)).build());
        return result(text(prefix + "action=" + reply.action().name().toLowerCase(Locale.ROOT)
                + ", content=" + toJson(json, reply.content() == null ? Map.of() : reply.content())));
    }

    static TextContent text(String text) {
        return TextContent.builder(text).build();
    }

    static ImageContent png() {
        return ImageContent.builder(PNG_BASE64, "image/png").build();
    }

    static EmbeddedResource embedded(String uri, String mimeType, String text) {
        return EmbeddedResource.builder(TextResourceContents.builder(uri, text).mimeType(mimeType).build()).build();
    }

    private static CallToolResult result(Content... content) {
        return CallToolResult.builder().content(List.of(content)).isError(false).build();
    }

    private static String stringArg(CallToolRequest request, String name, String fallback) {
        Object value = request.arguments() == null ? null : request.arguments().get(name);
        return value instanceof String s ? s : fallback;
    }

    private static void pause() {
        LockSupport.parkNanos(STEP_PAUSE_MS * 1_000_000L);
    }

    private static String toJson(McpJsonMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
