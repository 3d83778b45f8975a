package dev.mcpstate.spring;

import dev.mcpstate.interceptor.ops.McpStateMetrics;
import dev.mcpstate.store.Storage;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.server.webmvc.transport.WebMvcStreamableServerTransportProvider;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring AI MCP server with the starter, served by a real Tomcat on a free loopback port: MCP requests pass the
 * session filter (every answer names the node in {@code Mcp-State-Node}), the session is in the SQLite file, and
 * Actuator reports the store; with {@code mcp-state.enabled=false} the same application is Spring AI's plain WebMVC
 * server again.
 */
class TomcatStarterIT {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

    @TempDir
    static Path dir;
    private static ConfigurableApplicationContext app;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The smallest Spring AI MCP server: one {@code @McpTool} method, everything else auto-configured. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Greeter greeter() {
            return new Greeter();
        }
    }

    /** A tool bean, found by Spring AI's annotation scanner. */
    static class Greeter {
        @McpTool(name = "greet", description = "Greets someone.")
        public String greet(String name) {
            return "hello " + name;
        }
    }

    @BeforeAll
    static void start() {
        // no spring.ai.mcp.server.protocol: the starter makes Streamable HTTP the default
        app = new SpringApplicationBuilder(App.class).run("--server.port=0", "--server.address=127.0.0.1",
                "--mcp-state.db=" + dir.resolve("state.db"), "--mcp-state.node-id=tomcat-node",
                "--management.endpoints.web.exposure.include=health",
                "--management.endpoint.health.show-details=always");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void initializeAndToolCallsPassTheFilterAndTheSessionIsStored() throws Exception {
        HttpResponse<String> initialized = post(app, null, INITIALIZE);
        assertThat(initialized.statusCode()).isEqualTo(200);
        assertThat(initialized.headers().firstValue("Mcp-State-Node")).contains("tomcat-node");
        String sessionId = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(initialized.body()).contains("\"protocolVersion\":\"2025-11-25\"");
        assertThat(app.getBean(Storage.class).sessions().find(sessionId)).isPresent();

        assertThat(post(app, sessionId, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .statusCode()).isEqualTo(202);
        HttpResponse<String> call = post(app, sessionId, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"greet\",\"arguments\":{\"name\":\"tomcat\"}}}");
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(call.body()).contains("id: r").contains("hello tomcat");

        MeterRegistry meters = app.getBean(MeterRegistry.class); // Actuator's: the filter records its meters there
        assertThat(meters.get(McpStateMetrics.SESSIONS_ACTIVE).gauge().value()).isGreaterThanOrEqualTo(1);
        await().untilAsserted(() -> assertThat(meters.get(McpStateMetrics.OPERATION_DURATION)
                .tag(McpStateMetrics.TOOL, "greet").timer().count()).isEqualTo(1));
    }

    @Test
    void actuatorReportsTheStoreAndIsNotBehindTheFilter() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(base(app).resolve("/actuator/health/mcpState"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"store\":\"sqlite\"")
                .contains("\"node\":\"tomcat-node\"");
        assertThat(health.headers().firstValue("Mcp-State-Node")).isEmpty();
    }

    @Test
    void springAisWebMvcTransportIsReplaced() {
        assertThat(app.getBeanNamesForType(WebMvcStreamableServerTransportProvider.class)).isEmpty();
    }

    @Test
    void disabledTheApplicationIsSpringAisPlainServer() throws Exception {
        try (ConfigurableApplicationContext plain = new SpringApplicationBuilder(App.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--mcp-state.enabled=false",
                "--spring.ai.mcp.server.protocol=STREAMABLE")) {
            assertThat(plain.getBeanNamesForType(WebMvcStreamableServerTransportProvider.class)).hasSize(1);
            assertThat(plain.getBeanNamesForType(Storage.class)).isEmpty();
            HttpResponse<String> initialized = post(plain, null, INITIALIZE);
            assertThat(initialized.statusCode()).isEqualTo(200);
            assertThat(initialized.headers().firstValue("Mcp-Session-Id")).isPresent();
            assertThat(initialized.headers().firstValue("Mcp-State-Node")).isEmpty();
        }
    }

    private static URI base(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return URI.create("http://127.0.0.1:" + port);
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext context, String sessionId, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base(context).resolve("/mcp"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
