package dev.mcpstate.examples.server;

import dev.mcpstate.interceptor.SessionlessFeatures;
import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.sidecar.SidecarTools;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The example server's features: the demo tools and the state-sidecar tools on the filter's storage. */
public final class ExampleServer implements ServerDefinition {

    /** The example server with the sidecar tools' default options (anonymous callers may not reset). */
    public static final ExampleServer DEFINITION = new ExampleServer(SidecarOptions.defaults());

    private final SidecarOptions sidecar;

    private ExampleServer(SidecarOptions sidecar) {
        this.sidecar = sidecar;
    }

    /**
     * @param sidecar the sidecar tools' options; not null
     * @return the example server with those options
     */
    public static ExampleServer of(SidecarOptions sidecar) {
        return new ExampleServer(Objects.requireNonNull(sidecar, "sidecar must not be null"));
    }

    @Override
    public String name() {
        return "mcp-state-server";
    }

    @Override
    public String serverInfoName() {
        return "mcp-state-example";
    }

    @Override
    public McpSyncServer build(McpServer.SyncSpecification<?> spec, McpStateJetty state) {
        return spec.serverInfo(serverInfoName(), version())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                .tools(tools(state))
                .build();
    }

    /** The same tools for protocol 2026-07-28: the demo tools and the sidecar tools on the same storage. */
    @Override
    public SessionlessFeatures sessionless(McpStateJetty state) {
        return SessionlessFeatures.builder().tools(tools(state)).build();
    }

    private List<SyncToolSpecification> tools(McpStateJetty state) {
        McpJsonMapper jsonMapper = McpJsonDefaults.getMapper();
        List<SyncToolSpecification> tools = new ArrayList<>(DemoTools.all(jsonMapper, state.config().nodeId()));
        tools.addAll(SidecarTools.specifications(state.storage().sidecar(), sidecar));
        return tools;
    }
}
