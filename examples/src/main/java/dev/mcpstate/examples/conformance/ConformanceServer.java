package dev.mcpstate.examples.conformance;

import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.jetty.McpStateJetty;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.time.Duration;

/**
 * The conformance fixture server: the same wiring as the example server (Jetty 12, the SDK's Streamable HTTP
 * servlet at {@value #ENDPOINT}, the mcp-state filter in front, storage chosen by {@link ServerOptions}), serving
 * the fixture tools, resources, prompts and completions that the official conformance suite's server scenarios
 * expect ({@link ConformanceTools}, {@link ConformanceContent}).
 *
 * <p>Start with {@link #start(ServerOptions)}; {@link #close()} stops Jetty, the SDK server and the storage.
 */
public final class ConformanceServer implements AutoCloseable {

    /** The MCP endpoint path. */
    public static final String ENDPOINT = "/mcp";
    /** The server name reported in {@code initialize}. */
    public static final String NAME = "mcp-state-conformance-server";
    /**
     * How long a server-to-client request (sampling, elicitation) waits for the client's response before the tool
     * call fails: 15 s, inside the suite's 30 s scenario timeout, so a lost response surfaces as an error.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final Server jetty;
    private final McpSyncServer mcp;
    private final McpStateJetty state;
    private final URI uri;
    private final ServerOptions options;

    private ConformanceServer(Server jetty, McpSyncServer mcp, McpStateJetty state, URI uri, ServerOptions options) {
        this.jetty = jetty;
        this.mcp = mcp;
        this.state = state;
        this.uri = uri;
        this.options = options;
    }

    /**
     * Starts a fixture server.
     *
     * @param options where to listen and what to store in; not null
     * @return the running server
     * @throws Exception when the storage cannot be opened or the port cannot be bound
     */
    public static ConformanceServer start(ServerOptions options) throws Exception {
        InterceptorConfig.Builder config = InterceptorConfig.builder();
        if (options.nodeId() != null) {
            config.nodeId(options.nodeId());
        }
        McpStateJetty state = McpStateJetty.builder().storage(options.storage()).config(config.build()).build();
        try {
            HttpServletStreamableServerTransportProvider transport =
                    HttpServletStreamableServerTransportProvider.builder().mcpEndpoint(ENDPOINT).build();
            McpSyncServer mcp = McpServer.sync(transport)
                    .serverInfo(NAME, "0.1.0")
                    .requestTimeout(REQUEST_TIMEOUT)
                    .capabilities(McpSchema.ServerCapabilities.builder()
                            .tools(true).resources(true, true).prompts(true).logging().completions().build())
                    .tools(ConformanceTools.all(McpJsonDefaults.getMapper()))
                    .resources(ConformanceContent.resources())
                    .resourceTemplates(ConformanceContent.resourceTemplates())
                    .prompts(ConformanceContent.prompts())
                    .completions(ConformanceContent.completions())
                    .build();
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost(options.host());
            connector.setPort(options.port());
            connector.setIdleTimeout(60 * 60 * 1000L);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            state.mount(context, ENDPOINT, transport);
            jetty.setHandler(context);
            jetty.setStopAtShutdown(false);
            jetty.start();
            int port = ((NetworkConnector) jetty.getConnectors()[0]).getLocalPort();
            String host = options.host().equals("0.0.0.0") ? "127.0.0.1"
                    : options.host().contains(":") ? "[" + options.host() + "]" : options.host();
            return new ConformanceServer(jetty, mcp, state, URI.create("http://" + host + ":" + port + ENDPOINT),
                    options);
        } catch (Exception | Error e) {
            state.close();
            throw e;
        }
    }

    /** @return the MCP endpoint URL, e.g. {@code http://127.0.0.1:8080/mcp} */
    public URI uri() {
        return uri;
    }

    /** @return the mcp-state wiring (storage, filter settings) */
    public McpStateJetty state() {
        return state;
    }

    /** @return the one line printed when the server is ready */
    public String readyLine() {
        return NAME + " ready: url=" + uri + " store=" + options.storeDescription() + " node="
                + state.config().nodeId();
    }

    /** Waits until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops Jetty, then the SDK server, then the storage. */
    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            try {
                mcp.closeGracefully();
            } finally {
                state.close();
            }
        }
    }
}
