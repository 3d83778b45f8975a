package dev.mcpstate.examples.wrap;

import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.store.StorageConfig;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.nio.file.Path;
import java.util.List;

/** An MCP server on Jetty 12 whose sessions survive restarts and move between nodes: mcp-state wraps it. */
public final class WrappedServer implements AutoCloseable {

    private final McpStateJetty state;
    private final McpSyncServer mcp;
    private final Server jetty;

    /**
     * @param port  TCP port on 127.0.0.1; 0 for any free one
     * @param db    the SQLite file the sessions live in
     * @param tools the server's tools
     */
    public WrappedServer(int port, Path db, List<SyncToolSpecification> tools) throws Exception {
        state = McpStateJetty.builder()
                .storage(StorageConfig.sqlite(db))   // or StorageConfig.redis("redis://host:6379")
                .nodeId("node-1")
                .build();
        var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        mcp = McpServer.sync(state.clusterWide(transport))   // or McpServer.sync(transport)
                .serverInfo("my-server", "1.0")
                .tools(tools)
                .build();

        ServletContextHandler context = new ServletContextHandler();
        state.mount(context, "/mcp", transport);   // the SDK servlet and the filter, both async-supported
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        jetty.setHandler(context);
        state.harden(jetty);   // JSON-RPC error pages, no Server header, slow bodies hold no thread
        jetty.start();
    }

    /** @return the port Jetty listens on */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** Stops Jetty, then the MCP server, then mcp-state (its threads and the storage). */
    @Override
    public void close() throws Exception {
        jetty.stop();
        mcp.close();
        state.close();
    }

    public static void main(String[] args) throws Exception {
        WrappedServer server = new WrappedServer(8080, Path.of("mcp-state.db"), List.of());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        server.jetty.join();
    }
}
