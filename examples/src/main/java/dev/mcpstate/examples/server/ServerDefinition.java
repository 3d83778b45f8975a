package dev.mcpstate.examples.server;

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
}
