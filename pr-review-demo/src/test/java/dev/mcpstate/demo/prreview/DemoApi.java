package dev.mcpstate.demo.prreview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's JSON API as a test sees it: real HTTP, JSON in and out. */
final class DemoApi {

    /** A status and a JSON body. */
    record Reply(int status, JsonNode json) {
    }

    static final ObjectMapper JSON = Json.MAPPER;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    DemoApi(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    /** @return the answer to {@code GET /api{path}}, which must be 200 */
    JsonNode get(String path) {
        Reply reply = send(HttpRequest.newBuilder(base.resolve("/api" + path)).GET());
        assertThat(reply.status()).as("GET %s: %s", path, reply.json()).isEqualTo(200);
        return reply.json();
    }

    /** @return the answer to {@code POST /api{path}} with a JSON body, whatever its status */
    Reply post(String path, Object body) {
        return post(path, body, Map.of());
    }

    /** @return the answer to a POST with extra headers, whatever its status */
    Reply post(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api" + path))
                .header("Content-Type", "application/json");
        headers.forEach(request::setHeader);
        try {
            return send(request.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the answer to {@code POST /api{path}}, which must be 200 */
    JsonNode ok(String path, Object body) {
        Reply reply = post(path, body);
        assertThat(reply.status()).as("POST %s: %s", path, reply.json()).isEqualTo(200);
        return reply.json();
    }

    /** @return {@code GET /api/state} */
    JsonNode state() {
        return get("/state");
    }

    /** @return the run's entry in {@code GET /api/state} */
    JsonNode run(String runId) {
        for (JsonNode run : state().path("runs")) {
            if (run.path("run_id").asText().equals(runId)) {
                return run;
            }
        }
        throw new AssertionError("no run " + runId + " in the state");
    }

    /** @return the agent's entry in {@code GET /api/state}, or a missing node */
    JsonNode agent(JsonNode state, String agentId) {
        for (JsonNode agent : state.path("agents")) {
            if (agent.path("agent_id").asText().equals(agentId)) {
                return agent;
            }
        }
        return JSON.missingNode();
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode json = body.isEmpty() || !response.headers().firstValue("Content-Type").orElse("")
                    .startsWith("application/json") ? JSON.getNodeFactory().textNode(body) : JSON.readTree(body);
            return new Reply(response.statusCode(), json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
