package dev.mcpstate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.interceptor.sse.SseEvent;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One MCP Streamable HTTP session (protocol 2025-11-25) on its own keep-alive connection: initialize, tool calls
 * answered as SSE, resumption with {@code GET} + {@code Last-Event-ID}, listening streams. Not thread-safe.
 */
final class McpSession implements Closeable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROTOCOL = "2025-11-25";

    private final Http http;
    private String sessionId;
    private int nextId = 1;

    McpSession(URI url, Duration readTimeout) {
        this.http = new Http(url, readTimeout);
    }

    /** Adopts an existing session, e.g. to send its next request to another node. */
    McpSession(URI url, Duration readTimeout, String sessionId) {
        this(url, readTimeout);
        this.sessionId = sessionId;
    }

    String sessionId() {
        return sessionId;
    }

    /** Continues another session (null: none, before {@link #open()}) on this connection. */
    void adopt(String id) {
        sessionId = id;
    }

    int nextId() {
        return nextId++;
    }

    /** {@code initialize} then {@code notifications/initialized}. */
    McpSession open() throws IOException {
        try (Http.Response r = post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"" + PROTOCOL + "\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}")) {
            String body = r.text();
            sessionId = r.header("Mcp-Session-Id");
            if (r.status != 200 || sessionId == null) {
                throw new IOException("initialize answered " + r.status + ": " + body);
            }
        }
        try (Http.Response r = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")) {
            r.text();
            if (r.status != 202) {
                throw new IOException("notifications/initialized answered " + r.status);
            }
        }
        return this;
    }

    /** @return the body of a {@code tools/call} request */
    static String toolCall(int id, String tool, String argumentsJson, String progressToken) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + argumentsJson
                + (progressToken == null ? "" : ",\"_meta\":{\"progressToken\":\"" + progressToken + "\"}") + "}}";
    }

    /**
     * Calls a tool and reads its SSE answer to the final response.
     *
     * @return the data of the final response (the last event of the stream)
     * @throws IOException when the call does not end with a JSON-RPC result
     */
    String call(String tool, String argumentsJson) throws IOException {
        try (Http.Response r = post(toolCall(nextId(), tool, argumentsJson, null))) {
            if (r.status != 200) {
                throw new IOException(tool + " answered " + r.status + ": " + r.text());
            }
            SseReader events = new SseReader(r.body);
            String last = null;
            for (SseEvent e = events.next(); e != null; e = events.next()) {
                if (!e.data().isEmpty()) {
                    last = e.data();
                }
            }
            if (last == null || !last.contains("\"result\"") || last.contains("\"isError\":true")) {
                throw new IOException(tool + " failed: " + last);
            }
            return last;
        }
    }

    /** POSTs one JSON-RPC message; the response is open. */
    Http.Response post(String json) throws IOException {
        Map<String, String> h = headers();
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json, text/event-stream");
        return http.send("POST", h, json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET}: the listening stream ({@code lastEventId} null) or a resumption after {@code lastEventId}. */
    Http.Response get(String lastEventId) throws IOException {
        Map<String, String> h = headers();
        h.put("Accept", "text/event-stream");
        if (lastEventId != null) {
            h.put("Last-Event-ID", lastEventId);
        }
        return http.send("GET", h, null);
    }

    private Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("MCP-Protocol-Version", PROTOCOL);
        if (sessionId != null) {
            h.put("Mcp-Session-Id", sessionId);
        }
        return h;
    }

    static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }

    @Override
    public void close() {
        http.close();
    }
}
