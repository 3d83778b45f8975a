package dev.mcpstate.examples.server;

import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.sidecar.SidecarTools;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.ArrayList;
import java.util.List;

/** The example server's features: the demo tools and the state-sidecar tools on the filter's storage. */
public final class ExampleServer implements ServerDefinition {

    /** The one instance. */
    public static final ExampleServer DEFINITION = new ExampleServer();

    private ExampleServer() {
    }

    @Override
    public String name() {
        return "mcp-state-server";
    }

    @Override
    public McpSyncServer build(McpServer.SyncSpecification<?> spec, McpStateJetty state) {
        McpJsonMapper jsonMapper = McpJsonDefaults.getMapper();
        List<SyncToolSpecification> tools = new ArrayList<>(DemoTools.all(jsonMapper, state.config().nodeId()));
        tools.addAll(SidecarTools.specifications(state.storage().sidecar()));
        return spec.serverInfo("mcp-state-example", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                .tools(tools)
                .build();
    }
}
