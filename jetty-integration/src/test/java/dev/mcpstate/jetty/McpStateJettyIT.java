package dev.mcpstate.jetty;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Jetty 12 MCP server wrapped exactly as the README shows, with an injected clock: sessions move through their
 * lifecycle, expire after their idle TTL, are purged by retention, and stay bound to the principal that created
 * them.
 */
class McpStateJettyIT {

    private static final ObjectMapper JSON = Json.MAPPER;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private McpStateJetty state;
    private McpSyncServer mcp;
    private McpStateFilter filter;
    private Server jetty;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        // --- the README's lines ---
        state = McpStateJetty.builder()
                .storage(StorageConfig.sqlite(dir.resolve("mcp-state.db")).toBuilder()
                        .sessionIdleTtl(Duration.ofMinutes(10)).build())
                .config(InterceptorConfig.builder().clock(clock).nodeId("node-1")
                        .maxOpenStreams(2).keepAlive(Duration.ofMillis(100)).build())
                .build();
        var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        mcp = McpServer.sync(transport).serverInfo("wrapped", "1.0").tools(echo()).build();
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(principalFromHeader()), "/*", EnumSet.of(DispatcherType.REQUEST));
        filter = state.mount(context, "/mcp", transport);
        // ---
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(context);
        jetty.start();
        uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
        mcp.closeGracefully();
        state.close();
    }

    @Test
    void sessionMovesFromInitializedToActiveToClosed() throws Exception {
        String session = initialize(null);
        assertThat(status(session)).isEqualTo(SessionStatus.INITIALIZED);
        assertThat(post(session, null, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .statusCode()).isEqualTo(202);
        assertThat(status(session)).isEqualTo(SessionStatus.ACTIVE);
        HttpResponse<String> deleted = http.send(request(session, null).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(status(session)).isEqualTo(SessionStatus.CLOSED);
        assertThat(filter.localSessionIds()).doesNotContain(session);
    }

    @Test
    void idleSessionExpiresWith404AndRetentionPurgesIt() throws Exception {
        String session = initialize(null);
        assertThat(callEcho(session, null).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        HttpResponse<String> expired = callEcho(session, null);

        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(expired.body()).at("/error/code").asInt()).isEqualTo(-32001);
        assertThat(status(session)).isEqualTo(SessionStatus.EXPIRED);
        filter.runRetention();
        assertThat(state.storage().sessions().find(session)).isEmpty();
        assertThat(filter.localSessionIds()).doesNotContain(session);
    }

    @Test
    void sessionInUseStaysAlivePastItsTtl() throws Exception {
        String session = initialize(null);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(6));
            assertThat(callEcho(session, null).statusCode()).as("after %d x 6 min", i + 1).isEqualTo(200);
        }
        assertThat(status(session)).isEqualTo(SessionStatus.INITIALIZED);
    }

    @Test
    void sessionIsBoundToThePrincipalThatCreatedIt() throws Exception {
        String session = initialize("alice");
        assertThat(state.storage().sessions().find(session).orElseThrow().principal()).isEqualTo("alice");
        assertThat(callEcho(session, "alice").statusCode()).isEqualTo(200);
        assertThat(callEcho(session, "bob").statusCode()).isEqualTo(404);
        assertThat(callEcho(session, null).statusCode()).isEqualTo(404);
    }

    @Test
    void streamsBeyondTheLimitGet503WithRetryAfterUntilAPlaceFrees() throws Exception {
        String a = initialize(null);
        String b = initialize(null);
        String c = initialize(null);
        HttpResponse<InputStream> streamA = listen(a);
        HttpResponse<InputStream> streamB = listen(b);
        assertThat(streamA.statusCode()).isEqualTo(200);
        assertThat(streamB.statusCode()).isEqualTo(200);

        HttpResponse<InputStream> refused = listen(c);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(refused.body().readAllBytes()).at("/error/message").asText())
                .contains("too many streams");

        HttpResponse<InputStream> againA = listen(a); // the same session's newer GET replaces its older one
        assertThat(againA.statusCode()).isEqualTo(200);

        streamB.body().close(); // the client leaves; the next keep-alive write notices
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            clock.advance(Duration.ofSeconds(1)); // keep-alives are due by the injected clock
            HttpResponse<InputStream> attempt = listen(c);
            attempt.body().close();
            return attempt.statusCode() == 200;
        });
        againA.body().close();
        streamA.body().close();
    }

    private HttpResponse<InputStream> listen(String session) throws Exception {
        return http.send(request(session, null).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private String initialize(String user) throws Exception {
        HttpResponse<String> init = post(null, user, """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"it","version":"1"}}}""");
        assertThat(init.statusCode()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private HttpResponse<String> callEcho(String session, String user) throws Exception {
        return post(session, user, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}");
    }

    private HttpResponse<String> post(String session, String user, String body) throws Exception {
        return http.send(request(session, user).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String session, String user) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream");
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        if (user != null) {
            b.header("X-Test-User", user);
        }
        return b;
    }

    private SessionStatus status(String session) {
        return state.storage().sessions().find(session).orElseThrow().status();
    }

    private static SyncToolSpecification echo() {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("echo").inputSchema(McpJsonDefaults.getMapper(),
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}").build())
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                        .addTextContent(String.valueOf(request.arguments().get("text"))).build())
                .build();
    }

    /** Stands in for an authentication filter: the caller is whoever X-Test-User names. */
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
}
