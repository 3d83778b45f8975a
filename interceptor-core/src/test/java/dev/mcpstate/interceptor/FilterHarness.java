package dev.mcpstate.interceptor;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One mcp-state node for tests: a real Jetty 12 {@link Server} with a {@link LocalConnector} (no TCP port), the
 * real SDK servlet {@link HttpServletStreamableServerTransportProvider} on {@code /mcp} behind a real
 * {@link McpStateFilter}, on a {@link Storage} the test owns and with the test's {@link MutableClock}. Two
 * harnesses on the same {@code Storage} are two nodes of one cluster.
 *
 * <p>The MCP server has these tools:
 * <ul>
 *   <li>{@code echo(text)} returns {@code text};</li>
 *   <li>{@code whoami()} returns {@code exchange.sessionId()};</li>
 *   <li>{@code count(n)} sends {@code n} logging notifications {@code step i of n} (and progress notifications when
 *       the request has a progress token), then returns {@code counted n};</li>
 *   <li>{@code confirm(action)} asks the client through elicitation and returns {@code confirmed <action>} or
 *       {@code declined <action>};</li>
 *   <li>{@code gate()} sends {@code gate open}, then one logging notification per {@link Gate#say} until
 *       {@link Gate#finish}: a producer the test controls;</li>
 *   <li>{@code broken()} throws an exception whose message names a Java type, as a buggy handler does.</li>
 * </ul>
 *
 * <p>With {@link Builder#sessionless()} the same endpoint serves protocol 2026-07-28 too, through the SDK's modern
 * server behind the same filter.
 *
 * <p>Requests are raw HTTP/1.1 text ({@link #send}, {@link #open}): a head, a blank line, a body. Missing
 * {@code Host} and {@code Content-Length} are added; a POST also gets {@code Content-Type: application/json} and
 * {@code Accept: application/json, text/event-stream} unless the text names them; with
 * {@code Transfer-Encoding: chunked} the body is sent in chunks. Line ends may be LF. A test filter in front of the
 * mcp-state filter makes {@code X-Test-User} the request's {@code getUserPrincipal()}.
 */
public final class FilterHarness implements AutoCloseable {

    /** The protocol version the helpers initialize with. */
    public static final String PROTOCOL = "2025-11-25";
    /** The longest any wait of a test lasts. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private final String nodeId;
    private final Storage storage;
    private final MutableClock clock;
    private final Gate gate = new Gate();
    private final Server jetty;
    private final LocalConnector connector;
    private final McpSyncServer mcp;
    private final McpStateFilter filter;
    private final ClusterChangeFeed changes = new ClusterChangeFeed();

    private FilterHarness(Builder b) throws Exception {
        this.nodeId = b.nodeId;
        this.storage = b.storage;
        this.clock = b.clock;
        HttpServletStreamableServerTransportProvider transport =
                HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        this.mcp = McpServer.sync(transport).serverInfo("harness-" + nodeId, "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                .requestTimeout(WAIT)
                .tools(echo(), whoami(), count(), confirm(), gateTool(), broken())
                .build();
        InterceptorConfig config = b.config.apply(InterceptorConfig.builder()
                .clock(clock).nodeId(nodeId).pollInterval(Duration.ofMillis(20))).build();
        if (b.sessionless) {
            // the same tools, served to protocol 2026-07-28 by the SDK's modern server on the same endpoint
            io.modelcontextprotocol.modern.server.McpServer modern = io.modelcontextprotocol.modern.server.McpServer
                    .builder()
                    .serverInfo(new io.modelcontextprotocol.modern.McpSchema.Implementation("harness-" + nodeId,
                            null, "1", null, null, null))
                    .features(SessionlessFeatures.builder().tools(List.of(echo(), whoami(), count(), broken())).build()
                            .features())
                    .subscriptions(changes)
                    .requestStateCodec(ClusterRequestStateCodec.builder().keys(config.requestStateKeys())
                            .clock(clock).ledger(storage.requestStates()).build())
                    .build();
            this.filter = new McpStateFilter(storage, transport,
                    io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport.builder(modern)
                            .endpoint("/mcp")
                            .httpHeaderValidator(
                                    io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator.NOOP)
                            .build(), config);
            filter.broadcastChangesThrough(changes);
        } else {
            this.filter = new McpStateFilter(storage, transport, config);
        }

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        FilterHolder principal = new FilterHolder(principalFromHeader());
        principal.setAsyncSupported(true);
        context.addFilter(principal, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder state = new FilterHolder(filter);
        state.setAsyncSupported(true);
        ServletHolder sdk = new ServletHolder(transport);
        sdk.setAsyncSupported(true);
        context.addServlet(sdk, "/mcp");
        context.addFilter(state, "/mcp", EnumSet.of(DispatcherType.REQUEST));
        for (Map.Entry<String, HttpServlet> extra : b.servlets.entrySet()) {
            ServletHolder holder = new ServletHolder(extra.getValue());
            holder.setAsyncSupported(true);
            context.addServlet(holder, extra.getKey());
            context.addFilter(state, extra.getKey(), EnumSet.of(DispatcherType.REQUEST));
        }

        QueuedThreadPool threads = new QueuedThreadPool(48, 4);
        threads.setName("jetty-" + nodeId);
        threads.setDaemon(true);
        this.jetty = new Server(threads);
        this.connector = new LocalConnector(jetty);
        jetty.addConnector(connector);
        jetty.setHandler(context);
        jetty.start();
    }

    /** @return an Awaitility wait bounded by {@link #WAIT}, polling every 10 ms */
    public static ConditionFactory await() {
        return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10));
    }

    /** @return a builder of a node on {@code storage}, whose filter and stores use {@code clock} */
    public static Builder on(Storage storage, MutableClock clock) {
        return new Builder(storage, clock);
    }

    /** @return a started node with default settings on a new in-memory storage and a new clock */
    public static FilterHarness inMemory() {
        MutableClock clock = new MutableClock();
        return on(Storage.open(StorageConfig.inMemory(), clock), clock).start();
    }

    /** Builds a {@link FilterHarness}. */
    public static final class Builder {
        private final Storage storage;
        private final MutableClock clock;
        private String nodeId = "test";
        private UnaryOperator<InterceptorConfig.Builder> config = UnaryOperator.identity();
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private boolean sessionless;

        private Builder(Storage storage, MutableClock clock) {
            this.storage = storage;
            this.clock = clock;
        }

        /** @param id the node id (default {@code test}) */
        public Builder nodeId(String id) {
            this.nodeId = id;
            return this;
        }

        /** @param settings adjusts the filter settings; clock, node id and a 20 ms poll interval are preset */
        public Builder config(UnaryOperator<InterceptorConfig.Builder> settings) {
            this.config = settings;
            return this;
        }

        /**
         * Serves protocol 2026-07-28 on the same endpoint too: the SDK's modern server with the tools {@code echo},
         * {@code whoami} and {@code count} ({@link SessionlessFeatures}), the node's {@link #changes() feed}.
         */
        public Builder sessionless() {
            this.sessionless = true;
            return this;
        }

        /** Mounts another servlet, behind the same mcp-state filter. */
        public Builder servlet(String pathSpec, HttpServlet servlet) {
            servlets.put(pathSpec, servlet);
            return this;
        }

        /** @return the started node */
        public FilterHarness start() {
            try {
                return new FilterHarness(this);
            } catch (Exception e) {
                throw new IllegalStateException("harness did not start", e);
            }
        }
    }

    public McpStateFilter filter() {
        return filter;
    }

    /** @return the change feed of the modern server (with {@link Builder#sessionless()}) */
    public ClusterChangeFeed changes() {
        return changes;
    }

    public McpSyncServer server() {
        return mcp;
    }

    public Storage storage() {
        return storage;
    }

    public MutableClock clock() {
        return clock;
    }

    public Gate gate() {
        return gate;
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Sends a raw request and waits for the complete response.
     *
     * @param raw head, blank line, body (see the class comment for the headers added)
     */
    public HttpResult send(String raw) {
        try {
            ByteBuffer response = connector.getResponse(encode(raw), false, WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(response).as("a complete response within %s to:%n%s", WAIT, raw).isNotNull();
            HttpTester.Response parsed = HttpTester.parseResponse(response);
            assertThat(parsed).as("a parsable response to:%n%s", raw).isNotNull();
            return HttpResult.of(parsed);
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + raw, e);
        }
    }

    /** Sends a raw request and returns its response while it is being written. */
    public SseStream open(String raw) {
        LocalConnector.LocalEndPoint endPoint = connector.connect();
        // not addInput: once the connection is accepted it would run the request on this (the test's) thread
        endPoint.addInputAndExecute(encode(raw));
        return new SseStream(endPoint);
    }

    /** @return the session id of a new session, initialized with protocol {@link #PROTOCOL}, no principal */
    public String initialize() {
        return initialize(PROTOCOL, null);
    }

    /** @return the session id of a new session initialized with that protocol version, as that user (or none) */
    public String initialize(String protocolVersion, String user) {
        HttpResult init = send("""
                POST /mcp HTTP/1.1
                %s

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s",
                 "capabilities":{"elicitation":{}},"clientInfo":{"name":"harness-client","version":"7"}}}
                """.formatted(userHeader(user), protocolVersion));
        assertThat(init.status()).as(init.toString()).isEqualTo(200);
        String session = init.header("Mcp-Session-Id");
        assertThat(session).as("Mcp-Session-Id of %s", init).isNotBlank();
        return session;
    }

    /** @return the session id of a new ACTIVE session: initialize, then {@code notifications/initialized} */
    public String openSession() {
        String session = initialize();
        initialized(session, null);
        return session;
    }

    /** Sends {@code notifications/initialized} for a session and checks the 202. */
    public void initialized(String session, String user) {
        HttpResult result = send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s
                %s

                {"jsonrpc":"2.0","method":"notifications/initialized"}
                """.formatted(session, userHeader(user)));
        assertThat(result.status()).as(result.toString()).isEqualTo(202);
    }

    /** @return the raw text of a {@code tools/call} POST */
    public static String toolCall(String session, int id, String tool, String argumentsJson) {
        return """
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s","arguments":%s}}
                """.formatted(session, id, tool, argumentsJson);
    }

    /** Calls a tool and waits for the whole SSE response. */
    public HttpResult callTool(String session, int id, String tool, String argumentsJson) {
        return send(toolCall(session, id, tool, argumentsJson));
    }

    /** @return a {@code X-Test-User} header line, or an empty line for no user */
    private static String userHeader(String user) {
        return user == null ? "" : "X-Test-User: " + user;
    }

    /** Stops Jetty (and with it the filter) and the MCP server; releases a waiting {@code gate} call. */
    @Override
    public void close() {
        gate.finish();
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("jetty did not stop", e);
        } finally {
            mcp.closeGracefully();
            filter.close();
        }
    }

    static ByteBuffer encode(String raw) {
        String text = raw.replace("\r\n", "\n");
        int split = text.indexOf("\n\n");
        String head = split < 0 ? text.strip() : text.substring(0, split);
        String body = split < 0 ? "" : text.substring(split + 2);
        if (body.endsWith("\n")) {
            body = body.substring(0, body.length() - 1);
        }
        List<String> lines = new ArrayList<>();
        for (String line : head.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        boolean post = lines.get(0).startsWith("POST ");
        if (!hasHeader(lines, "Host")) {
            lines.add("Host: localhost");
        }
        if (post && !hasHeader(lines, "Accept")) {
            lines.add("Accept: application/json, text/event-stream");
        }
        if (!body.isEmpty() && !hasHeader(lines, "Content-Type")) {
            lines.add("Content-Type: application/json");
        }
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        boolean chunked = lines.stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")
                && l.toLowerCase(Locale.ROOT).contains("chunked"));
        if (chunked) {
            bodyBytes = chunks(bodyBytes);
        } else if ((post || bodyBytes.length > 0) && !hasHeader(lines, "Content-Length")) {
            lines.add("Content-Length: " + bodyBytes.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bodyBytes);
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static boolean hasHeader(List<String> lines, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return lines.stream().skip(1).anyMatch(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix));
    }

    private static byte[] chunks(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < body.length; off += 1000) {
            int len = Math.min(1000, body.length - off);
            out.writeBytes((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, off, len);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Stands in for an authentication filter: the caller is whoever {@code X-Test-User} names. */
    private static Filter principalFromHeader() {
        return (req, res, chain) -> {
            HttpServletRequest request = (HttpServletRequest) req;
            String user = request.getHeader("X-Test-User");
            chain.doFilter(user == null ? request : new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return () -> user;
                }
            }, res);
        };
    }

    // ------------------------------------------------------------------------------------------------- tools

    private static McpSchema.Tool tool(String name, String schema) {
        return McpSchema.Tool.builder().name(name).inputSchema(McpJsonDefaults.getMapper(), schema).build();
    }

    private static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).isError(false).build();
    }

    private static SyncToolSpecification echo() {
        return SyncToolSpecification.builder()
                .tool(tool("echo", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}"))
                .callHandler((exchange, request) -> text(String.valueOf(request.arguments().get("text"))))
                .build();
    }

    private static SyncToolSpecification whoami() {
        return SyncToolSpecification.builder()
                .tool(tool("whoami", "{\"type\":\"object\",\"properties\":{}}"))
                .callHandler((exchange, request) -> text(exchange.sessionId()))
                .build();
    }

    private static SyncToolSpecification count() {
        return SyncToolSpecification.builder()
                .tool(tool("count", "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}"))
                .callHandler((exchange, request) -> {
                    int n = ((Number) request.arguments().get("n")).intValue();
                    Object token = request.progressToken();
                    for (int i = 1; i <= n; i++) {
                        if (token != null) {
                            exchange.progressNotification(new ProgressNotification(token, (double) i, (double) n,
                                    "step " + i + " of " + n, null));
                        }
                        log(exchange, "step " + i + " of " + n);
                    }
                    return text("counted " + n);
                })
                .build();
    }

    private static SyncToolSpecification broken() {
        return SyncToolSpecification.builder()
                .tool(tool("broken", "{\"type\":\"object\",\"properties\":{}}"))
                .callHandler((exchange, request) -> {
                    throw new IllegalStateException("Cannot invoke \"dev.mcpstate.internal.Secret.id()\" because "
                            + "\"secret\" is null");
                })
                .build();
    }

    private static SyncToolSpecification confirm() {
        return SyncToolSpecification.builder()
                .tool(tool("confirm", "{\"type\":\"object\",\"properties\":{\"action\":{\"type\":\"string\"}}}"))
                .callHandler((exchange, request) -> {
                    Object action = request.arguments().get("action");
                    McpSchema.ElicitResult answer = exchange.createElicitation(McpSchema.ElicitFormRequest
                            .builder("Confirm " + action + "?", Map.of("type", "object", "properties",
                                    Map.of("confirm", Map.of("type", "boolean")))).build());
                    boolean confirmed = answer.action() == McpSchema.ElicitResult.Action.ACCEPT
                            && answer.content() != null && Boolean.TRUE.equals(answer.content().get("confirm"));
                    return text((confirmed ? "confirmed " : "declined ") + action);
                })
                .build();
    }

    private SyncToolSpecification gateTool() {
        return SyncToolSpecification.builder()
                .tool(tool("gate", "{\"type\":\"object\",\"properties\":{}}"))
                .callHandler((exchange, request) -> gate.run(exchange))
                .build();
    }

    private static void log(McpSyncServerExchange exchange, String message) {
        exchange.loggingNotification(LoggingMessageNotification.builder(LoggingLevel.INFO, message)
                .logger("harness").build());
    }

    /** The producer behind the {@code gate} tool: the test says what it sends and when it finishes. */
    public static final class Gate {
        private static final String DONE = "\u0000done";
        private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();

        /** Makes the running {@code gate} call send a logging notification with this text. */
        public void say(String text) {
            commands.add(text);
        }

        /** Makes the running {@code gate} call return {@code gate done}. */
        public void finish() {
            commands.add(DONE);
        }

        /**
         * @return true once the running call took every command said so far: each notification before the last
         *         command has then been written to the response (the SDK's sync exchange waits for its write)
         */
        public boolean drained() {
            return commands.isEmpty();
        }

        CallToolResult run(McpSyncServerExchange exchange) {
            log(exchange, "gate open");
            try {
                while (true) {
                    String command = commands.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (command == null) {
                        return CallToolResult.builder().addTextContent("gate timed out").isError(true).build();
                    }
                    if (DONE.equals(command)) {
                        return text("gate done");
                    }
                    log(exchange, command);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CallToolResult.builder().addTextContent("gate interrupted").isError(true).build();
            }
        }
    }
}
