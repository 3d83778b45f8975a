package dev.mcpstate.examples.conformance;

import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources, resource template, prompts and completions that the conformance suite's {@code resources-*},
 * {@code prompts-*} and {@code completion-complete} scenarios read. Stateless and thread-safe. Subscriptions
 * ({@code resources/subscribe}) and {@code logging/setLevel} are the SDK's own handlers.
 */
public final class ConformanceContent {

    /** The URI template of the template resource; {@code {id}} is echoed in the content. */
    public static final String TEMPLATE = "test://template/{id}/data";

    private static final Pattern TEMPLATE_URI = Pattern.compile("test://template/([^/]+)/data");
    private static final List<String> COMPLETION_WORDS = List.of("paris", "park", "party", "test", "testing");

    private ConformanceContent() {
    }

    /** @return {@code test://static-text}, {@code test://static-binary}, {@code test://watched-resource} */
    public static List<SyncResourceSpecification> resources() {
        return List.of(
                new SyncResourceSpecification(resource("test://static-text", "static-text", "Static Text Resource",
                        "A static text resource for testing", "text/plain"),
                        (ex, req) -> read(textContents("test://static-text", "text/plain",
                                "This is the content of the static text resource."))),
                new SyncResourceSpecification(resource("test://static-binary", "static-binary",
                        "Static Binary Resource", "A static binary resource (image) for testing", "image/png"),
                        (ex, req) -> read(BlobResourceContents.builder("test://static-binary",
                                ConformanceTools.PNG_BASE64).mimeType("image/png").build())),
                new SyncResourceSpecification(resource("test://watched-resource", "watched-resource",
                        "Watched Resource", "A resource clients can subscribe to", "text/plain"),
                        (ex, req) -> read(textContents("test://watched-resource", "text/plain",
                                "Watched resource content"))));
    }

    /** @return the template {@value #TEMPLATE}: JSON content naming the substituted id */
    public static List<SyncResourceTemplateSpecification> resourceTemplates() {
        ResourceTemplate template = ResourceTemplate.builder(TEMPLATE, "template").title("Resource Template")
                .description("A resource template with parameter substitution").mimeType("application/json")
                .build();
        return List.of(new SyncResourceTemplateSpecification(template, (ex, req) -> {
            Matcher m = TEMPLATE_URI.matcher(req.uri());
            if (!m.matches()) {
                throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                        .message("Resource not found: " + req.uri()).build();
            }
            String id = m.group(1);
            String json = "{\"id\":\"" + id + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}";
            return read(textContents(req.uri(), "application/json", json));
        }));
    }

    /**
     * @return {@code test_simple_prompt}, {@code test_prompt_with_arguments(arg1, arg2)},
     *         {@code test_prompt_with_embedded_resource(resourceUri)}, {@code test_prompt_with_image}
     */
    public static List<SyncPromptSpecification> prompts() {
        return List.of(
                new SyncPromptSpecification(prompt("test_simple_prompt", "Simple Test Prompt", "A simple prompt without arguments", List.of()),
                        (ex, req) -> messages(message(
                                ConformanceTools.text("This is a simple prompt for testing.")))),
                new SyncPromptSpecification(prompt("test_prompt_with_arguments", "Prompt With Arguments", "A prompt with required arguments", List.of(
                                argument("arg1", "First test argument"),
                                argument("arg2", "Second test argument"))),
                        (ex, req) -> messages(message( ConformanceTools.text(
                                "Prompt with arguments: arg1='" + arg(req.arguments(), "arg1") + "', arg2='"
                                        + arg(req.arguments(), "arg2") + "'")))),
                new SyncPromptSpecification(prompt("test_prompt_with_embedded_resource",
                        "Prompt With Embedded Resource", "A prompt that includes an embedded resource", List.of(
                                argument("resourceUri", "URI of the resource to embed"))),
                        (ex, req) -> messages(
                                message( ConformanceTools.embedded(
                                        arg(req.arguments(), "resourceUri"), "text/plain",
                                        "Embedded resource content for testing.")),
                                message(
                                        ConformanceTools.text("Please process the embedded resource above.")))),
                new SyncPromptSpecification(prompt("test_prompt_with_image", "Prompt With Image", "A prompt that includes image content", List.of()),
                        (ex, req) -> messages(
                                message(
                                        ConformanceTools.png()),
                                message( ConformanceTools.text("Please analyze the image above.")))));
    }

    /**
     * @return completions for {@code test_prompt_with_arguments} and the template {@value #TEMPLATE}: the fixed
     *         words starting with the typed value
     */
    public static List<SyncCompletionSpecification> completions() {
        return List.of(
                new SyncCompletionSpecification(new McpSchema.PromptReference("test_prompt_with_arguments"),
                        (ex, req) -> complete(req.argument().value())),
                new SyncCompletionSpecification(new McpSchema.ResourceReference(TEMPLATE),
                        (ex, req) -> complete(req.argument().value())));
    }

    private static CompleteResult complete(String prefix) {
        String p = prefix == null ? "" : prefix;
        List<String> values = COMPLETION_WORDS.stream().filter(w -> w.startsWith(p)).toList();
        return new CompleteResult(new CompleteResult.CompleteCompletion(values, values.size(), false));
    }

    private static Resource resource(String uri, String name, String title, String description, String mimeType) {
        return Resource.builder(uri, name).title(title).description(description).mimeType(mimeType).build();
    }

    private static ReadResourceResult read(McpSchema.ResourceContents contents) {
        return ReadResourceResult.builder(List.of(contents)).build();
    }

    private static TextResourceContents textContents(String uri, String mimeType, String text) {
        return TextResourceContents.builder(uri, text).mimeType(mimeType).build();
    }

    private static Prompt prompt(String name, String title, String description, List<PromptArgument> arguments) {
        return Prompt.builder(name).title(title).description(description).arguments(arguments).build();
    }

    private static PromptArgument argument(String name, String description) {
        return PromptArgument.builder(name).description(description).required(true).build();
    }

    private static PromptMessage message(McpSchema.Content content) {
        return PromptMessage.builder(Role.USER, content).build();
    }

    private static GetPromptResult messages(PromptMessage... messages) {
        return GetPromptResult.builder(List.of(messages)).build();
    }

    private static String arg(Map<String, Object> arguments, String name) {
        Object value = arguments == null ? null : arguments.get(name);
        return value == null ? "" : value.toString();
    }
}
