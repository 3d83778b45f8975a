package dev.mcpstate.examples.server;

import dev.mcpstate.interceptor.SessionlessFeatures;
import dev.mcpstate.jetty.McpStateJetty;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;

/**
 * What an example server serves: its name and its MCP features. {@link McpStateServer} does the rest (Jetty, the
 * SDK servlet, the mcp-state filter, storage).
 */
public interface ServerDefinition {

    /** @return the server name, reported in {@code initialize} and in the ready line */
    String name();

    /**
     * Adds the server's features to an SDK specification and builds it.
     *
     * @param spec  {@code McpServer.sync(transport)}; not null
     * @param state the mcp-state wiring, e.g. to put tools on the same storage; not null
     * @return the built server
     */
    McpSyncServer build(McpServer.SyncSpecification<?> spec, McpStateJetty state);

    /**
     * The same features for protocol 2026-07-28, served on the same endpoint by the SDK's modern server
     * ({@link SessionlessFeatures}: each specification defined once, registered on both servers).
     *
     * @param state the mcp-state wiring; not null
     * @return the features, or null to serve the session era only (requests of the era without sessions then reach
     *         the session era's servlet, which cannot serve them); the default
     */
    default SessionlessFeatures sessionless(McpStateJetty state) {
        return null;
    }

    /** @return the server name reported by both eras ({@code serverInfo.name}); by default {@link #name()} */
    default String serverInfoName() {
        return name();
    }

    /** @return the server version reported by both eras */
    default String version() {
        return "0.1.0";
    }
}
