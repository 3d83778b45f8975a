package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.server.McpStateServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client cuts an SSE stream mid-way and resumes it with {@code Last-Event-ID}: it receives exactly the rest —
 * no duplicate, no gap — on a response stream and on the listening stream, on SQLite and on Redis.
 */
class ResumptionIT {

    @TempDir
    Path dir;
    private McpStateServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private McpHttpClient start(Backend backend) throws Exception {
        backend.reset();
        server = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"));
        return Clients.session(server.uri());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void resumedResponseStreamDeliversExactlyTheRemainingEventsAndTheResult(Backend backend) throws Exception {
        McpHttpClient client = start(backend);
        JsonNode echo = client.callTool("echo", "{\"text\":\"hello\"}");
        assertThat(echo.at("/result/content/0/text").asText()).isEqualTo("hello");

        int count = 12;
        McpHttpClient.Response response = client.post(
                McpHttpClient.toolCall(2, "slow_count", "{\"count\":" + count + ",\"interval_ms\":25}", "tok"));
        assertThat(response.header("Content-Type")).startsWith("text/event-stream");
        List<SseEvent> before = new ArrayList<>();
        String primingId;
        try (McpHttpClient.Response reader = response) {
            SseEvent priming = reader.next();
            assertThat(priming.data()).isEmpty();
            primingId = priming.id();
            while (progressCount(before) < 3) {
                before.add(reader.nextMessage());
            }
        } // the client cuts the stream here; the tool keeps running
        String lastSeen = before.get(before.size() - 1).id();

        McpHttpClient.Response resumed = client.get(lastSeen);
        assertThat(resumed.status()).isEqualTo(200);
        List<SseEvent> after = new ArrayList<>();
        try (McpHttpClient.Response reader = resumed) {
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                after.add(e);
            }
        }

        List<SseEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(SseEvent::id).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith(primingId.substring(0, primingId.indexOf(':') + 1)));
        assertThat(progressValues(all)).containsExactlyElementsOf(
                IntStream.rangeClosed(1, count).boxed().toList());
        assertThat(logCount(all)).isEqualTo(count);
        JsonNode last =json(after.get(after.size() - 1));
        assertThat(last.get("id").asInt()).isEqualTo(2);
        assertThat(last.at("/result/content/0/text").asText()).isEqualTo("counted " + count);

        // resuming from the priming id replays the whole stream, and the same events again
        McpHttpClient.Response full = client.get(primingId);
        List<String> replayedIds = new ArrayList<>();
        try (McpHttpClient.Response reader = full) {
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                replayedIds.add(e.id());
            }
        }
        assertThat(replayedIds).containsExactlyElementsOf(all.stream().map(SseEvent::id).toList());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void resumedListeningStreamDeliversExactlyTheNotificationsSentMeanwhile(Backend backend) throws Exception {
        McpHttpClient client = start(backend);
        McpHttpClient.Response listening = client.get(null);
        assertThat(listening.status()).isEqualTo(200);
        List<SseEvent> before = new ArrayList<>();
        try (McpHttpClient.Response reader = listening) {
            SseEvent priming = reader.next();
            assertThat(priming.id()).startsWith("listen:");
            notify(1);
            notify(2);
            before.add(reader.nextMessage());
            before.add(reader.nextMessage());
        } // cut
        notify(3);
        notify(4);
        notify(5);

        McpHttpClient.Response resumed = client.get(before.get(1).id());
        List<SseEvent> after = new ArrayList<>();
        try (McpHttpClient.Response reader = resumed) {
            while (after.size() < 3) {
                after.add(reader.nextMessage());
            }
            notify(6);
            after.add(reader.nextMessage());
        }
        List<SseEvent> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(SseEvent::id).doesNotHaveDuplicates();
        assertThat(all).extracting(e -> json(e).at("/params/data").asText())
                .containsExactly("n1", "n2", "n3", "n4", "n5", "n6");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void lastEventIdOfAnotherStreamReplaysOnlyThatStream(Backend backend) throws Exception {
        McpHttpClient client = start(backend);
        McpHttpClient.Response first = client.post(McpHttpClient.toolCall(7, "slow_count",
                "{\"count\":2,\"interval_ms\":0}", "a"));
        String firstPriming;
        try (McpHttpClient.Response reader = first) {
            firstPriming = reader.next().id();
            while (reader.next() != null) {
                // drain
            }
        }
        client.callTool("slow_count", "{\"count\":3,\"interval_ms\":0}");

        McpHttpClient.Response replay = client.get(firstPriming);
        Set<Integer> ids = new LinkedHashSet<>();
        try (McpHttpClient.Response reader = replay) {
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                JsonNode json = json(e);
                if (json.has("id")) {
                    ids.add(json.get("id").asInt());
                }
            }
        }
        assertThat(ids).containsExactly(7);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void toolFailureIsPersistedAndDeliveredAsTheFinalResponse(Backend backend) throws Exception {
        backend.reset();
        server = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"));
        McpHttpClient client = new McpHttpClient(server.uri()).open("mcp-state-tests", "{}"); // no sampling capability: ask_model must fail
        McpHttpClient.Response response = client.post(McpHttpClient.toolCall(3, "ask_model",
                "{\"prompt\":\"hi\"}", null));
        String primingId;
        JsonNode delivered;
        try (McpHttpClient.Response reader = response) {
            primingId = reader.next().id();
            delivered =json(reader.nextMessage());
        }
        assertThat(delivered.get("id").asInt()).isEqualTo(3);
        assertThat(delivered.toString()).contains("sampling");
        List<SseEvent> replayed = new ArrayList<>();
        try (McpHttpClient.Response reader = client.get(primingId)) {
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                replayed.add(e);
            }
        }
        assertThat(replayed).extracting(ResumptionIT::json).containsExactly(delivered);
    }

    private void notify(int n) {
        server.notifyClients("notifications/message", Map.of("level", "info", "data", "n" + n));
    }

    private static long progressCount(List<SseEvent> events) {
        return events.stream().filter(e -> "notifications/progress".equals(json(e).path("method").asText()))
                .count();
    }

    private static List<Integer> progressValues(List<SseEvent> events) {
        return events.stream().map(ResumptionIT::json)
                .filter(j -> "notifications/progress".equals(j.path("method").asText()))
                .map(j -> j.at("/params/progress").asInt()).toList();
    }

    private static long logCount(List<SseEvent> events) {
        return events.stream().filter(e -> "notifications/message".equals(json(e).path("method").asText()))
                .count();
    }

    private static JsonNode json(SseEvent event) {
        return Json.parseOrNull(event.data());
    }
}
