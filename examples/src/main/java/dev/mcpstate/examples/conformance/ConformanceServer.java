package dev.mcpstate.examples.conformance;

import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerDefinition;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.SessionlessFeatures;
import dev.mcpstate.jetty.McpStateJetty;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;

import java.time.Duration;

/**
 * The conformance fixture server: the example server's wiring ({@link McpStateServer}: Jetty 12, the SDK's
 * Streamable HTTP servlet at {@code /mcp}, the mcp-state filter in front, storage chosen by {@link ServerOptions}),
 * serving the fixture tools, resources, prompts and completions that the official conformance suite's server
 * scenarios expect ({@link ConformanceTools}, {@link ConformanceContent}).
 */
public final class ConformanceServer implements ServerDefinition {

    /** The server name reported in {@code initialize}. */
    public static final String NAME = "mcp-state-conformance-server";
    /**
     * How long a server-to-client request (sampling, elicitation) waits for the client's response before the tool
     * call fails: 15 s, inside the suite's 30 s scenario timeout, so a lost response surfaces as an error.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** The one instance. */
    public static final ConformanceServer DEFINITION = new ConformanceServer();

    private ConformanceServer() {
    }

    /**
     * Starts a fixture server with default filter settings.
     *
     * @param options where to listen and what to store in; not null
     * @return the running server
     * @throws Exception when the storage cannot be opened or the port cannot be bound
     */
    public static McpStateServer start(ServerOptions options) throws Exception {
        return McpStateServer.start(options, InterceptorConfig.builder().build(), DEFINITION);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public McpSyncServer build(McpServer.SyncSpecification<?> spec, McpStateJetty state) {
        return spec.serverInfo(NAME, version())
                .requestTimeout(REQUEST_TIMEOUT)
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true).resources(true, true).prompts(true).logging().completions().build())
                .tools(ConformanceTools.all(McpJsonDefaults.getMapper()))
                .resources(ConformanceContent.resources())
                .resourceTemplates(ConformanceContent.resourceTemplates())
                .prompts(ConformanceContent.prompts())
                .completions(ConformanceContent.completions())
                .build();
    }

    /**
     * The same fixtures for protocol 2026-07-28 ({@link SessionlessFeatures}); the tools that ask the client for
     * sampling or elicitation mid-call answer there with an error, as that era has no server-to-client requests; it
     * has the tools of {@link ConformanceInputTools} instead, which ask for input with an InputRequiredResult.
     */
    @Override
    public SessionlessFeatures sessionless(McpStateJetty state) {
        return SessionlessFeatures.builder()
                .tools(ConformanceTools.all(McpJsonDefaults.getMapper()))
                .sessionlessTools(ConformanceInputTools.all(state))
                .resources(ConformanceContent.resources())
                .resourceTemplates(ConformanceContent.resourceTemplates())
                .prompts(ConformanceContent.prompts())
                .sessionlessPrompts(ConformanceInputTools.prompts())
                .completions(ConformanceContent.completions())
                .resourceSubscriptions(true)
                .build();
    }
}
