package dev.mcpstate.interceptor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.internal.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The health and Prometheus servlets on a real Jetty ({@link LocalConnector}): statuses, bodies, cache, formats. */
class OperationsServletsTest {

    private final AtomicBoolean storeUp = new AtomicBoolean(true);
    private final AtomicInteger probes = new AtomicInteger();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Server jetty;
    private LocalConnector connector;

    private void start(Duration cache) throws Exception {
        HealthServlet health = HealthServlet.builder().cacheFor(cache)
                .check("store", () -> {
                    probes.incrementAndGet();
                    if (!storeUp.get()) {
                        throw new StoreException("Redis PING failed: connection refused to 10.0.0.7:6379");
                    }
                })
                .check("filter", () -> { })
                .build();
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(health), "/health/*");
        context.addServlet(new ServletHolder(new PrometheusServlet(registry)), "/metrics");
        jetty = new Server();
        connector = new LocalConnector(jetty);
        jetty.addConnector(connector);
        jetty.setHandler(context);
        jetty.start();
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    private HttpTester.Response get(String path, String... headers) throws Exception {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return HttpTester.parseResponse(connector.getResponse(request.append("\r\n").toString()));
    }

    private static JsonNode json(HttpTester.Response response) throws Exception {
        return Json.MAPPER.readTree(response.getContent());
    }

    @Test
    void readinessNamesTheFailingCheckWithoutItsCauseAndLivenessStaysUp() throws Exception {
        start(Duration.ZERO);
        HttpTester.Response ready = get("/health/ready");
        assertThat(ready.getStatus()).isEqualTo(200);
        assertThat(json(ready)).isEqualTo(Json.MAPPER.readTree(
                "{\"status\":\"UP\",\"checks\":{\"filter\":\"UP\",\"store\":\"UP\"}}"));
        assertThat(ready.get("Content-Type")).startsWith("application/json");
        assertThat(ready.get("Cache-Control")).isEqualTo("no-store");

        storeUp.set(false);
        HttpTester.Response down = get("/health/ready");
        assertThat(down.getStatus()).isEqualTo(503);
        assertThat(json(down)).isEqualTo(Json.MAPPER.readTree(
                "{\"status\":\"DOWN\",\"checks\":{\"filter\":\"UP\",\"store\":\"DOWN\"}}"));
        assertThat(down.getContent()).doesNotContain("10.0.0.7").doesNotContain("Exception").doesNotContain("PING");
        HttpTester.Response live = get("/health/live");
        assertThat(live.getStatus()).isEqualTo(200);
        assertThat(json(live).path("status").asText()).isEqualTo("UP");

        storeUp.set(true);
        assertThat(get("/health/ready").getStatus()).isEqualTo(200);
        assertThat(get("/health/other").getStatus()).isEqualTo(404);
        HttpTester.Response post = HttpTester.parseResponse(connector.getResponse(
                "POST /health/ready HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"));
        assertThat(post.getStatus()).isEqualTo(405);
        String head = connector.getResponse("HEAD /health/ready HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 200").doesNotContain("{");
    }

    @Test
    void probesWithinTheCachePeriodReuseOneResult() throws Exception {
        start(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            assertThat(get("/health/ready").getStatus()).isEqualTo(200);
        }
        storeUp.set(false);
        assertThat(get("/health/ready").getStatus()).as("cached").isEqualTo(200);
        assertThat(probes).hasValue(1);
    }

    @Test
    void metricsAreServedInThePrometheusTextFormatOrOpenMetricsAndCanBeFilteredByName() throws Exception {
        start(Duration.ZERO);
        Counter.builder("mcp_state.events.appended").tag("direction", "server_to_client").register(registry)
                .increment(3);
        Counter.builder("other.thing").register(registry).increment();

        HttpTester.Response text = get("/metrics");
        assertThat(text.getStatus()).isEqualTo(200);
        assertThat(text.get("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
        assertThat(text.getContent()).contains("mcp_state_events_appended_total{direction=\"server_to_client\"} 3.0")
                .contains("other_thing_total");

        HttpTester.Response open = get("/metrics", "Accept: application/openmetrics-text; version=1.0.0");
        assertThat(open.get("Content-Type")).startsWith("application/openmetrics-text");
        assertThat(open.getContent()).contains("mcp_state_events_appended_total").endsWith("# EOF\n");

        HttpTester.Response only = get("/metrics?name%5B%5D=mcp_state_events_appended");
        assertThat(only.getContent()).contains("mcp_state_events_appended_total").doesNotContain("other_thing");
    }
}
