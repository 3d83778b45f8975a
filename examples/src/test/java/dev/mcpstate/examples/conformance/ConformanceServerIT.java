package dev.mcpstate.examples.conformance;

import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.testing.FreePort;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The conformance fixture server, in process on SQLite, seen through the MCP Java SDK's own client: the fixtures the
 * official conformance suite's server scenarios need are listed and callable. (The npm suite itself runs from
 * {@code scripts/conformance-cluster.sh}, not in CI.)
 */
class ConformanceServerIT {

    @TempDir
    Path dir;

    private McpStateServer server;
    private McpSyncClient client;
    private final List<McpSchema.CreateMessageRequest> samplingRequests = new CopyOnWriteArrayList<>();
    private final List<McpSchema.ElicitFormRequest> elicitations = new CopyOnWriteArrayList<>();
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        int port = FreePort.find();
        server = ConformanceServer.start(ServerOptions.parse(new String[] {"--port", Integer.toString(port),
                "--db", dir.resolve("state.db").toString(), "--node-id", "conformance-it"}, Map.of()));
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://" + server.uri().getAuthority()).endpoint(McpStateServer.ENDPOINT).build();
        client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().build())
                .sampling(request -> {
                    samplingRequests.add(request);
                    return McpSchema.CreateMessageResult.builder(McpSchema.Role.ASSISTANT, "sampled", "test-model")
                            .build();
                })
                .elicitation(request -> {
                    elicitations.add(request);
                    return McpSchema.ElicitResult.builder(McpSchema.ElicitResult.Action.ACCEPT)
                            .content(Map.of("response", "yes")).build();
                })
                .progressConsumer(progress::add)
                .build();
        McpSchema.InitializeResult init = client.initialize();
        assertThat(init.serverInfo().name()).isEqualTo(ConformanceServer.NAME);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (client != null) {
                client.closeGracefully();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void listsEveryFixtureTheConformanceScenariosCall() {
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder(
                "test_simple_text", "test_image_content", "test_audio_content", "test_embedded_resource",
                "test_multiple_content_types", "test_tool_with_logging", "test_tool_with_progress",
                "test_error_handling", "test_reconnection", "test_sampling", "test_elicitation",
                "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums", "json_schema_2020_12_tool");
        assertThat(client.listResources().resources()).extracting(McpSchema.Resource::uri)
                .containsExactlyInAnyOrder("test://static-text", "test://static-binary", "test://watched-resource");
        assertThat(client.listResourceTemplates().resourceTemplates())
                .extracting(McpSchema.ResourceTemplate::uriTemplate).containsExactly(ConformanceContent.TEMPLATE);
        assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).containsExactlyInAnyOrder(
                "test_simple_prompt", "test_prompt_with_arguments", "test_prompt_with_embedded_resource",
                "test_prompt_with_image");
    }

    @Test
    void jsonSchema2020ToolKeepsItsRawSchemaInTheListing() {
        McpSchema.Tool tool = client.listTools().tools().stream()
                .filter(t -> t.name().equals("json_schema_2020_12_tool")).findFirst().orElseThrow();
        assertThat(tool.inputSchema()).containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema")
                .containsEntry("additionalProperties", false).containsKeys("$defs", "allOf", "if", "then", "else");
    }

    @Test
    void contentToolsReturnTheContentTheirScenariosCheck() {
        assertThat(text(call("test_simple_text"))).isEqualTo("This is a simple text response for testing.");
        assertThat(call("test_image_content").content()).singleElement()
                .isInstanceOfSatisfying(McpSchema.ImageContent.class, image -> {
                    assertThat(image.mimeType()).isEqualTo("image/png");
                    assertThat(image.data()).isEqualTo(ConformanceTools.PNG_BASE64);
                });
        assertThat(call("test_multiple_content_types").content()).extracting(McpSchema.Content::type)
                .containsExactly("text", "image", "resource");

        CallToolResult error = call("test_error_handling");
        assertThat(error.isError()).isTrue();
        assertThat(text(error)).isEqualTo("This tool intentionally returns an error for testing");
    }

    @Test
    void progressToolSendsThreeIncreasingNotificationsForTheRequestToken() {
        CallToolResult result = client.callTool(CallToolRequest.builder("test_tool_with_progress")
                .arguments(Map.of()).progressToken("it-progress").build());

        assertThat(text(result)).isEqualTo("it-progress");
        // the SDK client hands notifications to consumers on its own threads: after the result, and in any
                // order (the wire order is checked by the raw-HTTP tests)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(progress).extracting(p -> p.progress().intValue()).containsExactlyInAnyOrder(0, 50, 100));
        assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("it-progress"));
    }

    @Test
    void samplingAndElicitationToolsRoundTripThroughTheClient() {
        CallToolResult sampled = client.callTool(CallToolRequest.builder("test_sampling")
                .arguments(Map.of("prompt", "Test prompt for sampling")).build());
        assertThat(text(sampled)).isEqualTo("LLM response: sampled");
        assertThat(samplingRequests).singleElement().satisfies(r -> assertThat(
                ((TextContent) r.messages().get(0).content()).text()).isEqualTo("Test prompt for sampling"));

        CallToolResult elicited = client.callTool(CallToolRequest.builder("test_elicitation")
                .arguments(Map.of("message", "Please provide your information")).build());
        assertThat(text(elicited)).isEqualTo("User response: action=accept, content={\"response\":\"yes\"}");
        assertThat(elicitations).singleElement()
                .satisfies(r -> assertThat(r.message()).isEqualTo("Please provide your information"));
    }

    @Test
    void resourcesPromptsAndCompletionAnswerAsTheScenariosExpect() {
        McpSchema.ReadResourceResult template = client.readResource(
                McpSchema.ReadResourceRequest.builder("test://template/123/data").build());
        assertThat(template.contents()).singleElement()
                .isInstanceOfSatisfying(McpSchema.TextResourceContents.class,
                        c -> assertThat(c.text()).contains("\"id\":\"123\""));
        assertThat(client.readResource(McpSchema.ReadResourceRequest.builder("test://static-binary").build())
                .contents()).singleElement().isInstanceOf(McpSchema.BlobResourceContents.class);

        McpSchema.GetPromptResult prompt = client.getPrompt(McpSchema.GetPromptRequest
                .builder("test_prompt_with_arguments").arguments(Map.of("arg1", "testValue1", "arg2", "testValue2"))
                .build());
        assertThat(((TextContent) prompt.messages().get(0).content()).text())
                .isEqualTo("Prompt with arguments: arg1='testValue1', arg2='testValue2'");

        McpSchema.CompleteResult completion = client.completeCompletion(McpSchema.CompleteRequest.builder(
                new McpSchema.PromptReference("test_prompt_with_arguments"),
                new McpSchema.CompleteRequest.CompleteArgument("arg1", "par")).build());
        assertThat(completion.completion().values()).containsExactly("paris", "park", "party");
    }

    private CallToolResult call(String tool) {
        return client.callTool(CallToolRequest.builder(tool).arguments(Map.of()).build());
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }
}
