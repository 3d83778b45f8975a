package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A raw Streamable HTTP client for tests: plain {@code java.net.http} requests and a line-based SSE reader that
 * is independent of the filter's own parser, so the tests check the wire format.
 */
final class McpHttp {

    static final String PROTOCOL = "2025-11-25";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    String sessionId;

    McpHttp(URI uri) {
        this.uri = uri;
    }

    /** initialize + notifications/initialized; remembers the session id. */
    McpHttp open() {
        return open("{\"elicitation\":{},\"sampling\":{}}");
    }

    /** initialize with the given client capabilities JSON + notifications/initialized. */
    McpHttp open(String capabilities) {
        HttpResponse<String> init = post("""
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s",
                 "capabilities":%s,"clientInfo":{"name":"mcp-state-tests","version":"1"}}}"""
                .formatted(PROTOCOL, capabilities), Map.of());
        if (init.statusCode() != 200) {
            throw new IllegalStateException("initialize failed: " + init.statusCode() + " " + init.body());
        }
        sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                Map.of());
        if (initialized.statusCode() != 202) {
            throw new IllegalStateException("initialized failed: " + initialized.statusCode());
        }
        return this;
    }

    HttpResponse<String> post(String body, Map<String, String> headers) {
        return send(request(headers).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<InputStream> postStream(String body) {
        return send(request(Map.of()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<InputStream> get(String lastEventId) {
        HttpRequest.Builder b = request(Map.of()).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<String> getString(String lastEventId) {
        HttpRequest.Builder b = request(Map.of()).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete() {
        return send(request(Map.of()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Calls a tool and returns the parsed final JSON-RPC response read from the SSE stream. */
    JsonNode callTool(int id, String name, String argumentsJson) {
        HttpResponse<InputStream> response = postStream(toolCall(id, name, argumentsJson, null));
        try (SseReader reader = new SseReader(response.body())) {
            for (Event event = reader.next(); event != null; event = reader.next()) {
                JsonNode message = event.json();
                if (message != null && message.has("id") && message.get("id").asInt() == id) {
                    return message;
                }
            }
        }
        throw new IllegalStateException("stream ended without a response to " + id);
    }

    static String toolCall(int id, String name, String argumentsJson, String progressToken) {
        String meta = progressToken == null ? "" : ",\"_meta\":{\"progressToken\":\"" + progressToken + "\"}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + name
                + "\",\"arguments\":" + argumentsJson + meta + "}}";
    }

    private HttpRequest.Builder request(Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", PROTOCOL);
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        headers.forEach(b::setHeader);
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One SSE event as read off the wire. */
    record Event(String id, String data) {
        JsonNode json() {
            if (data.isEmpty()) {
                return null;
            }
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads SSE events line by line; closing it cuts the connection. */
    static final class SseReader implements AutoCloseable {
        private final InputStream in;
        private final BufferedReader lines;

        SseReader(InputStream in) {
            this.in = in;
            this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        /** @return the next event, or null at the end of the stream */
        Event next() {
            try {
                String id = null;
                List<String> data = new ArrayList<>();
                boolean any = false;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        if (any) {
                            return new Event(id, String.join("\n", data));
                        }
                        continue;
                    }
                    if (line.startsWith(":")) {
                        continue;
                    }
                    any = true;
                    if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.add(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** @return the next event whose data is a JSON-RPC message (priming events skipped), or null at the end */
        Event nextMessage() {
            for (Event e = next(); e != null; e = next()) {
                if (!e.data().isEmpty()) {
                    return e;
                }
            }
            return null;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // cutting the stream is the point
            }
        }
    }
}
