package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.McpHttp.Event;
import dev.mcpstate.examples.McpHttp.SseReader;
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

    private McpHttp start(Backend backend) throws Exception {
        backend.reset();
        server = McpStateServer.start(backend.options(dir.resolve("state.db"), "node-a"));
        return new McpHttp(server.uri()).open();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void resumedResponseStreamDeliversExactlyTheRemainingEventsAndTheResult(Backend backend) throws Exception {
        McpHttp client = start(backend);
        JsonNode echo = client.callTool(1, "echo", "{\"text\":\"hello\"}");
        assertThat(echo.at("/result/content/0/text").asText()).isEqualTo("hello");

        int count = 12;
        HttpResponse<InputStream> response = client.postStream(
                McpHttp.toolCall(2, "slow_count", "{\"count\":" + count + ",\"interval_ms\":25}", "tok"));
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Event> before = new ArrayList<>();
        String primingId;
        try (SseReader reader = new SseReader(response.body())) {
            Event priming = reader.next();
            assertThat(priming.data()).isEmpty();
            primingId = priming.id();
            while (progressCount(before) < 3) {
                before.add(reader.nextMessage());
            }
        } // the client cuts the stream here; the tool keeps running
        String lastSeen = before.get(before.size() - 1).id();

        HttpResponse<InputStream> resumed = client.get(lastSeen);
        assertThat(resumed.statusCode()).isEqualTo(200);
        List<Event> after = new ArrayList<>();
        try (SseReader reader = new SseReader(resumed.body())) {
            for (Event e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                after.add(e);
            }
        }

        List<Event> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(Event::id).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith(primingId.substring(0, primingId.indexOf(':') + 1)));
        assertThat(progressValues(all)).containsExactlyElementsOf(
                IntStream.rangeClosed(1, count).boxed().toList());
        assertThat(logCount(all)).isEqualTo(count);
        JsonNode last = after.get(after.size() - 1).json();
        assertThat(last.get("id").asInt()).isEqualTo(2);
        assertThat(last.at("/result/content/0/text").asText()).isEqualTo("counted " + count);

        // resuming from the priming id replays the whole stream, and the same events again
        HttpResponse<InputStream> full = client.get(primingId);
        List<String> replayedIds = new ArrayList<>();
        try (SseReader reader = new SseReader(full.body())) {
            for (Event e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                replayedIds.add(e.id());
            }
        }
        assertThat(replayedIds).containsExactlyElementsOf(all.stream().map(Event::id).toList());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void resumedListeningStreamDeliversExactlyTheNotificationsSentMeanwhile(Backend backend) throws Exception {
        McpHttp client = start(backend);
        HttpResponse<InputStream> listening = client.get(null);
        assertThat(listening.statusCode()).isEqualTo(200);
        List<Event> before = new ArrayList<>();
        try (SseReader reader = new SseReader(listening.body())) {
            Event priming = reader.next();
            assertThat(priming.id()).startsWith("listen:");
            notify(1);
            notify(2);
            before.add(reader.nextMessage());
            before.add(reader.nextMessage());
        } // cut
        notify(3);
        notify(4);
        notify(5);

        HttpResponse<InputStream> resumed = client.get(before.get(1).id());
        List<Event> after = new ArrayList<>();
        try (SseReader reader = new SseReader(resumed.body())) {
            while (after.size() < 3) {
                after.add(reader.nextMessage());
            }
            notify(6);
            after.add(reader.nextMessage());
        }
        List<Event> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).extracting(Event::id).doesNotHaveDuplicates();
        assertThat(all).extracting(e -> e.json().at("/params/data").asText())
                .containsExactly("n1", "n2", "n3", "n4", "n5", "n6");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void lastEventIdOfAnotherStreamReplaysOnlyThatStream(Backend backend) throws Exception {
        McpHttp client = start(backend);
        HttpResponse<InputStream> first = client.postStream(McpHttp.toolCall(7, "slow_count",
                "{\"count\":2,\"interval_ms\":0}", "a"));
        String firstPriming;
        try (SseReader reader = new SseReader(first.body())) {
            firstPriming = reader.next().id();
            while (reader.next() != null) {
                // drain
            }
        }
        client.callTool(8, "slow_count", "{\"count\":3,\"interval_ms\":0}");

        HttpResponse<InputStream> replay = client.get(firstPriming);
        Set<Integer> ids = new LinkedHashSet<>();
        try (SseReader reader = new SseReader(replay.body())) {
            for (Event e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                JsonNode json = e.json();
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
        McpHttp client = new McpHttp(server.uri()).open("{}"); // no sampling capability: ask_model must fail
        HttpResponse<InputStream> response = client.postStream(McpHttp.toolCall(3, "ask_model",
                "{\"prompt\":\"hi\"}", null));
        String primingId;
        JsonNode delivered;
        try (SseReader reader = new SseReader(response.body())) {
            primingId = reader.next().id();
            delivered = reader.nextMessage().json();
        }
        assertThat(delivered.get("id").asInt()).isEqualTo(3);
        assertThat(delivered.toString()).contains("sampling");
        List<Event> replayed = new ArrayList<>();
        try (SseReader reader = new SseReader(client.get(primingId).body())) {
            for (Event e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                replayed.add(e);
            }
        }
        assertThat(replayed).extracting(Event::json).containsExactly(delivered);
    }

    private void notify(int n) {
        server.notifyClients("notifications/message", Map.of("level", "info", "data", "n" + n));
    }

    private static long progressCount(List<Event> events) {
        return events.stream().filter(e -> "notifications/progress".equals(e.json().path("method").asText()))
                .count();
    }

    private static List<Integer> progressValues(List<Event> events) {
        return events.stream().map(Event::json)
                .filter(j -> "notifications/progress".equals(j.path("method").asText()))
                .map(j -> j.at("/params/progress").asInt()).toList();
    }

    private static long logCount(List<Event> events) {
        return events.stream().filter(e -> "notifications/message".equals(e.json().path("method").asText()))
                .count();
    }
}
