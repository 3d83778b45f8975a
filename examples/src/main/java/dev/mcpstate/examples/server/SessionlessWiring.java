package dev.mcpstate.examples.server;

import dev.mcpstate.interceptor.SessionlessFeatures;
import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.sidecar.SidecarCaller;
import dev.mcpstate.sidecar.SidecarCallerExtractor;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpServer;
import io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport;

/**
 * The example servers' wiring of protocol 2026-07-28. A class of its own so that {@link McpStateServer} loads on
 * an SDK without the modern server (2.0.x), where this class is never used.
 */
final class SessionlessWiring {

    private SessionlessWiring() {
    }

    /**
     * The SDK's modern server and servlet for protocol 2026-07-28 on the same endpoint: list changes and resource
     * updates carried between nodes ({@link McpStateJetty#changeFeed()}), {@code requestState} sealed with the
     * configured keys for the caller's principal ({@link McpStateJetty#requestStateCodec}).
     */
    static HttpServletMcpTransport transport(ServerDefinition definition, SessionlessFeatures features,
            McpStateJetty state) {
        McpServer server = McpServer.builder()
                .serverInfo(new McpSchema.Implementation(definition.serverInfoName(), null,
                        definition.version(), null, null, null))
                .features(features.features())
                .subscriptions(state.changeFeed())
                .requestStateCodec(state.requestStateCodec(context -> SidecarCaller.from(context).principal()))
                .build();
        return McpStateJetty.sessionlessTransport(server, McpStateServer.ENDPOINT)
                .contextExtractor(new SidecarCallerExtractor()).build();
    }
}
