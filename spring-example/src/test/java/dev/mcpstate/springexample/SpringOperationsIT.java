package dev.mcpstate.springexample;

import dev.mcpstate.examples.client.McpHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Spring Boot example jar through Actuator: the filter's meters in the Prometheus scrape after real calls, and
 * readiness that follows the store while liveness stays up.
 */
class SpringOperationsIT {

    private static final Pattern TOOL_CALLS = Pattern.compile(
            "mcp_server_operation_duration_seconds_count\\{[^}]*mcp_method_name=\"tools/call\"[^}]*} (\\d+(\\.\\d+)?)");

    @TempDir
    Path dir;
    private Jars jars;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopJars() {
        if (jars != null) {
            jars.close();
        }
    }

    @Test
    void theScrapeShowsTheCallsAndReadinessFollowsTheStore() throws Exception {
        jars = new Jars(dir);
        Path db = dir.resolve("state.db");
        Jars.Running server = jars.server("--mcp-state.db=" + db, "--mcp-state.node-id=spring-ops");
        McpHttpClient client = new McpHttpClient(server.url()).open();
        for (int i = 0; i < 3; i++) {
            assertThat(client.callTool("echo", "{\"text\":\"n" + i + "\"}").toString()).contains("n" + i);
        }
        URI base = server.url().resolve("/");

        HttpResponse<String> scrape = get(base, "actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher calls = TOOL_CALLS.matcher(scrape.body());
        assertThat(calls.find()).as(scrape.body()).isTrue();
        assertThat(Double.parseDouble(calls.group(1))).isGreaterThanOrEqualTo(3);
        assertThat(scrape.body()).contains("gen_ai_tool_name=\"echo\"").contains("mcp_state_events_appended_total");

        assertThat(get(base, "actuator/health/readiness").statusCode()).isEqualTo(200);
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("r--r--r--"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(get(base, "actuator/health/readiness").statusCode()).isEqualTo(503));
        assertThat(get(base, "actuator/health/liveness").statusCode()).as("alive all the same").isEqualTo(200);

        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(get(base, "actuator/health/readiness").statusCode()).isEqualTo(200));
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
