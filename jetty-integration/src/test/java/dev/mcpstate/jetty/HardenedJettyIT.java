package dev.mcpstate.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.auth.JwtAuthenticator;
import dev.mcpstate.store.StorageConfig;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Jetty server with {@link McpStateJetty#harden}: what Jetty itself answers, and slow clients. */
class HardenedJettyIT {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
             "capabilities":{},"clientInfo":{"name":"legit","version":"1"}}}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private McpStateJetty state;
    private McpSyncServer mcp;
    private Server jetty;
    private int port;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        start(InterceptorConfig.builder().nodeId("hardened").build());
    }

    private void start(InterceptorConfig config) throws Exception {
        start(config, b -> b.bodyDeadline(Duration.ofSeconds(3)));
    }

    private void start(InterceptorConfig config, UnaryOperator<McpStateJetty.Builder> limits) throws Exception {
        state = limits.apply(McpStateJetty.builder().storage(StorageConfig.inMemory()).config(config)).build();
        var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        mcp = McpServer.sync(transport).serverInfo("hardened", "1.0").build();
        ServletContextHandler context = new ServletContextHandler();
        state.mount(context, "/mcp", transport);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        jetty.setHandler(context);
        state.harden(jetty);
        jetty.start();
        port = connector.getLocalPort();
        uri = URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
        mcp.close();
        state.close();
    }

    private HttpResponse<String> post(String body, Duration timeout) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJsonRpcError(String body, int code) throws IOException {
        JsonNode json = JSON.readTree(body);
        assertThat(json.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(json.at("/error/code").asInt()).isEqualTo(code);
        assertThat(body).doesNotContain("<html").doesNotContain("Jetty").doesNotContain("Exception");
    }

    @Test
    void responsesNameNoServerSoftware() throws Exception {
        HttpResponse<String> response = post(INITIALIZE, Duration.ofSeconds(5));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Server")).isEmpty();
        assertThat(response.headers().firstValue("X-Powered-By")).isEmpty();
    }

    @Test
    void oversizedHeadersGet431WithAJsonRpcBody() throws Exception {
        String reply = raw("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000)
                + "\r\n\r\n");

        assertThat(reply).startsWith("HTTP/1.1 431");
        assertThat(reply).doesNotContain("Server:");
        assertJsonRpcError(reply.substring(reply.indexOf("\r\n\r\n") + 4), -32000);
    }

    @Test
    void pathsOutsideTheEndpointGetJsonErrorsToo() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri.resolve("/nothing/here")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertJsonRpcError(response.body(), -32001);
    }

    @Test
    void theProtectedResourceMetadataIsServedAtBothWellKnownPaths() throws Exception {
        stop();
        start(InterceptorConfig.builder().nodeId("oauth").authenticator(JwtAuthenticator.builder()
                .issuer(URI.create("https://issuer.example")).jwksUrl(URI.create("http://127.0.0.1:9/jwks"))
                .resource(URI.create("https://mcp.example.com/mcp")).build()).build());
        for (String path : List.of("/.well-known/oauth-protected-resource",
                "/.well-known/oauth-protected-resource/mcp")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            JsonNode document = JSON.readTree(response.body());
            assertThat(document.path("resource").asText()).isEqualTo("https://mcp.example.com/mcp");
            assertThat(document.path("authorization_servers").get(0).asText()).isEqualTo("https://issuer.example");
        }
    }

    @Test
    void aBodyThatDoesNotArriveInTimeGets408AndItsConnectionCloses() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"jsonrpc\"").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(reply).startsWith("HTTP/1.1 408");
            assertThat(reply).containsIgnoringCase("Connection: close");
            assertJsonRpcError(reply.substring(reply.indexOf("\r\n\r\n") + 4), -32000);
        }
    }

    @Test
    void aLegitimateCallAnswersWithin2sWhile300SlowConnectionsTrickle() throws Exception {
        stop();
        // a deadline well past the trickle's first rounds, so that all 300 bodies are still arriving at the call
        start(InterceptorConfig.builder().nodeId("hardened").build(), b -> b.bodyDeadline(Duration.ofSeconds(15)));
        // one call first, so the one measured below pays no class loading
        assertThat(post(INITIALIZE, Duration.ofSeconds(30)).statusCode()).isEqualTo(200);
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 300; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            }
            // one more byte on every slow connection every second (the attack seen: one every 2 s), for as long as
            // the test runs (bounded by it)
            AtomicInteger ticks = new AtomicInteger();
            trickle.scheduleAtFixedRate(() -> {
                for (Socket socket : slow) {
                    try {
                        socket.getOutputStream().write(' ');
                        socket.getOutputStream().flush();
                    } catch (IOException closed) {
                        // the server may close a slow connection; that is its right
                    }
                }
                ticks.incrementAndGet(); // one more byte on every slow connection
            }, 1, 1, TimeUnit.SECONDS);

            // the bodies have trickled for a while (two rounds of one more byte each, done) when the call is made
            await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 2);
            HttpResponse<String> legit = post(INITIALIZE, Duration.ofSeconds(2));

            assertThat(legit.statusCode()).as("answered, though 300 connections hold bodies open").isEqualTo(200);
            assertThat(legit.body()).contains("\"protocolVersion\"");
        } finally {
            trickle.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aBodySlowerThanTheMinimumDataRateGets408BeforeTheDeadline() throws Exception {
        stop();
        start(InterceptorConfig.builder().nodeId("hardened").build(),
                b -> b.bodyDeadline(Duration.ofSeconds(60)).minRequestDataRate(100));
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(20_000); // bounds the test; the 60 s deadline never comes into it
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write(' ');
                    out.flush();
                } catch (IOException closed) {
                    // the server closed the connection: what the test waits for
                }
            }, 200, 200, TimeUnit.MILLISECONDS);

            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(reply).startsWith("HTTP/1.1 408");
            assertJsonRpcError(reply.substring(reply.indexOf("\r\n\r\n") + 4), -32000);
        } finally {
            trickle.shutdownNow();
        }
        assertThat(post(INITIALIZE, Duration.ofSeconds(10)).statusCode()).as("a normal body is fast enough")
                .isEqualTo(200);
    }

    @Test
    void oneAddressGetsAtMostItsConnectionsAndAClosedOneGivesItsPlaceBack() throws Exception {
        stop();
        start(InterceptorConfig.builder().nodeId("hardened").build(), b -> b.maxConnectionsPerAddress(3));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(10_000);
                assertThat(exchangeOn(socket)).as("connection %d is served", i + 1).startsWith("HTTP/1.1 ");
                held.add(socket);
            }
            try (Socket fourth = new Socket("127.0.0.1", port)) {
                fourth.setSoTimeout(10_000);
                assertThat(exchangeOn(fourth)).as("the fourth is closed unanswered").isEmpty();
            }

            held.remove(0).close();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (Socket again = new Socket("127.0.0.1", port)) {
                    again.setSoTimeout(10_000);
                    assertThat(exchangeOn(again)).startsWith("HTTP/1.1 ");
                }
            });
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** Sends a GET that keeps the connection open and reads the status line; empty when the server closed it. */
    private static String exchangeOn(Socket socket) throws IOException {
        try {
            socket.getOutputStream().write("GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        } catch (IOException closed) {
            return "";
        }
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        try {
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.append((char) c);
            }
        } catch (IOException reset) {
            return "";
        }
        return line.toString().trim();
    }

    /** @return the whole reply to one raw request on a fresh connection */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
