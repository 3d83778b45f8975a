package dev.mcpstate.demo.prreview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.interceptor.sse.SseParser;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Listens to {@code GET /api/events} as a browser would and keeps every event. */
final class EventRecorder implements AutoCloseable {

    private final List<SseEvent> events = new CopyOnWriteArrayList<>();
    private final InputStream stream;

    private EventRecorder(InputStream stream) {
        this.stream = stream;
        Thread reader = new Thread(this::read, "sse-recorder");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream; returns once the response headers have arrived. */
    static EventRecorder open(URI dashboard) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(dashboard.resolve("/api/events")).header("Accept", "text/event-stream").GET()
                        .build(), HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /api/events answered " + response.statusCode());
        }
        return new EventRecorder(response.body());
    }

    private void read() {
        SseParser parser = new SseParser(events::add);
        byte[] buffer = new byte[8192];
        try {
            for (int n = stream.read(buffer); n >= 0; n = stream.read(buffer)) {
                parser.feed(buffer, 0, n);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** @return the data of every {@code event} event of this type, in order */
    List<JsonNode> events(String type) {
        return named("event").stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** @return the data of every {@code tool} event of this tool, in order */
    List<JsonNode> tools(String tool) {
        return named("tool").stream().filter(e -> e.path("tool").asText().equals(tool)).toList();
    }

    /** @return the data of every event with this name, in order */
    List<JsonNode> named(String name) {
        return events.stream().filter(e -> name.equals(e.event())).map(e -> {
            try {
                return DemoApi.JSON.readTree(e.data());
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
        }).toList();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
