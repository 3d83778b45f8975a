package dev.mcpstate.benchmarks;

import dev.mcpstate.examples.server.DemoTools;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;

/**
 * The anchors: the MCP Java SDK's Streamable HTTP servlet with the same demo tools on the same Jetty set-up as the
 * example server, without the mcp-state filter (nothing stored, no resumption, one node only) — alone (bare), or with
 * a {@link FloorFilter} (the floors: one synchronous store write per call).
 */
final class BareServer implements AutoCloseable {

    private final Server jetty;
    private final McpSyncServer mcp;
    private final URI uri;

    private BareServer(Server jetty, McpSyncServer mcp, URI uri) {
        this.jetty = jetty;
        this.mcp = mcp;
        this.uri = uri;
    }

    static BareServer start(int port) throws Exception {
        return start(port, null);
    }

    /**
     * @param floor a filter in front of the SDK servlet (a floor variant), or null for the bare SDK
     */
    static BareServer start(int port, FloorFilter floor) throws Exception {
        McpJsonMapper jsonMapper = McpJsonDefaults.getMapper();
        HttpServletStreamableServerTransportProvider transport =
                HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo("bare-sdk", "0.1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                .tools(DemoTools.all(jsonMapper, "bare"))
                .build();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(60 * 60 * 1000L);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/mcp");
        if (floor != null) {
            org.eclipse.jetty.ee10.servlet.FilterHolder holder = new org.eclipse.jetty.ee10.servlet.FilterHolder(floor);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/mcp", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        }
        jetty.setHandler(context);
        jetty.start();
        int bound = ((NetworkConnector) jetty.getConnectors()[0]).getLocalPort();
        return new BareServer(jetty, mcp, URI.create("http://127.0.0.1:" + bound + "/mcp"));
    }

    URI uri() {
        return uri;
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            mcp.closeGracefully();
        }
    }
}
