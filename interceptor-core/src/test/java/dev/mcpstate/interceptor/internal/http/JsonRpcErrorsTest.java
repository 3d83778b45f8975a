package dev.mcpstate.interceptor.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The one status-to-code mapping, the error body, and {@code send} on a real Jetty response. */
class JsonRpcErrorsTest {

    private static final ObjectMapper JSON = Json.MAPPER;

    /** What {@code send} returned; completed after the client may already have the whole response. */
    private final CompletableFuture<Boolean> sent = new CompletableFuture<>();
    private Server jetty;
    private LocalConnector connector;

    @BeforeEach
    void start() throws Exception {
        jetty = new Server();
        connector = new LocalConnector(jetty);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                if (request.getParameter("committed") != null) {
                    response.getOutputStream().write("partial".getBytes(StandardCharsets.UTF_8));
                    response.flushBuffer();
                } else if (request.getParameter("buffered") != null) {
                    response.setContentType("text/html");
                    response.getOutputStream().write("<html>junk</html>".getBytes(StandardCharsets.UTF_8));
                }
                sent.complete(JsonRpcErrors.send(response, 413, TextNode.valueOf("req-1"), ErrorCodes.TOO_LARGE,
                        "Request body larger than 10 bytes"));
            }
        }), "/*");
        jetty.setHandler(context);
        jetty.start();
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    private HttpTester.Response get(String query) throws Exception {
        return HttpTester.parseResponse(connector.getResponse("""
                GET /x%s HTTP/1.1\r
                Host: localhost\r
                \r
                """.formatted(query)));
    }

    @ParameterizedTest
    @CsvSource({"400,-32000", "401,-32007", "403,-32004", "404,-32001", "405,-32000", "406,-32000", "413,-32002",
        "429,-32006", "500,-32603", "502,-32603", "503,-32003", "504,-32603"})
    void codeForMapsAStatusToTheJsonRpcCodeOfItsBody(int status, int code) {
        assertThat(JsonRpcErrors.codeFor(status)).isEqualTo(code);
    }

    @ParameterizedTest
    @CsvSource({"400,Bad request", "403,Forbidden", "404,Not found", "405,Method not allowed",
        "406,Not acceptable", "413,Request body too large", "418,Bad request", "429,Too many requests", "500,Internal error",
        "502,Internal error", "503,Service unavailable"})
    void messageForGivesAPlainMessage(int status, String message) {
        assertThat(JsonRpcErrors.messageFor(status)).isEqualTo(message);
    }

    @Test
    void theBodyIsAJsonRpcErrorResponseWithTheIdOrNull() throws Exception {
        assertThat(JSON.readTree(JsonRpcErrors.bytes(IntNode.valueOf(7), -32001, "Not found")))
                .isEqualTo(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32001,"
                        + "\"message\":\"Not found\"}}"));
        assertThat(JsonRpcErrors.body(null, -32700, "Parse error").get("id").isNull()).isTrue();
        assertThat(JsonRpcErrors.body(MissingNode.getInstance(), -32700, "Parse error").get("id").isNull()).isTrue();
    }

    @Test
    void sendWritesTheStatusContentTypeAndBody() throws Exception {
        HttpTester.Response response = get("");

        assertThat(sent.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.get("Content-Type")).isEqualToIgnoringCase("application/json;charset=utf-8");
        byte[] body = response.getContentBytes();
        assertThat(response.get("Content-Length")).isEqualTo(Integer.toString(body.length));
        JsonNode json = JSON.readTree(body);
        assertThat(json).isEqualTo(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":\"req-1\",\"error\":{\"code\":-32002,"
                + "\"message\":\"Request body larger than 10 bytes\"}}"));
    }

    @Test
    void sendReplacesWhatTheServletBufferedButDidNotCommit() throws Exception {
        HttpTester.Response response = get("?buffered=1");

        assertThat(sent.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContent()).doesNotContain("junk").startsWith("{\"jsonrpc\":\"2.0\"");
        assertThat(response.get("Content-Type")).startsWith("application/json");
    }

    @Test
    void sendWritesNothingWhenTheResponseIsCommitted() throws Exception {
        HttpTester.Response response = get("?committed=1");

        assertThat(sent.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContent()).isEqualTo("partial");
    }
}
