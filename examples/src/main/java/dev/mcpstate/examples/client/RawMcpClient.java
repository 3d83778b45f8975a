package dev.mcpstate.examples.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal MCP Streamable HTTP client on {@code java.net.http}, for what the SDK client cannot do: adopt an
 * existing {@code Mcp-Session-Id}, read the {@code Mcp-State-Node} header of every response, cut an SSE stream
 * and resume it with {@code GET} + {@code Last-Event-ID} (MCP spec 2025-11-25, "Resumability and Redelivery").
 *
 * <p>Every request carries {@code MCP-Protocol-Version: }{@value #PROTOCOL_VERSION} and, once known, the session
 * id. A {@code 404} on a request with a session id throws {@link SessionGoneException}; any other status outside
 * 2xx throws {@link IllegalStateException} with the status and body. Not thread-safe: one caller at a time.
 */
public final class RawMcpClient {

    /** The protocol version this client speaks. */
    public static final String PROTOCOL_VERSION = "2025-11-25";
    /** The response header that names the node that served a request. */
    public static final String NODE_HEADER = "Mcp-State-Node";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private String sessionId;

    /**
     * @param url       the MCP endpoint, e.g. {@code http://127.0.0.1:3000/mcp}; not null
     * @param sessionId an existing session to continue, or null to {@link #initialize} a new one
     */
    public RawMcpClient(URI url, String sessionId) {
        this.url = Objects.requireNonNull(url, "url must not be null");
        this.sessionId = sessionId;
    }

    /** @return the session id, or null before {@link #initialize} */
    public String sessionId() {
        return sessionId;
    }

    /**
     * Opens a session: {@code initialize}, then {@code notifications/initialized}.
     *
     * @param clientName the {@code clientInfo.name} to send; not null
     * @return the {@code initialize} reply
     * @throws IllegalStateException when the server refuses or sends no {@code Mcp-Session-Id}
     */
    public Reply initialize(String clientName) {
        ObjectNode params = JSON.createObjectNode().put("protocolVersion", PROTOCOL_VERSION);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", clientName).put("version", "1");
        HttpResponse<InputStream> response = post(message(0, "initialize", params));
        sessionId = response.headers().firstValue("Mcp-Session-Id").orElseThrow(
                () -> new IllegalStateException("initialize answered without an Mcp-Session-Id header"));
        Reply reply = readReply(response, 0);
        ObjectNode initialized = JSON.createObjectNode().put("jsonrpc", "2.0")
                .put("method", "notifications/initialized");
        discard(post(initialized));
        return reply;
    }

    /**
     * Calls a tool and waits for its result.
     *
     * @param name      the tool; not null
     * @param arguments the tool arguments; not null
     * @return the final JSON-RPC response and the node that served it
     */
    public Reply callTool(String name, ObjectNode arguments) {
        int id = nextId.getAndIncrement();
        return readReply(post(toolCall(id, name, arguments, null)), id);
    }

    /**
     * Calls a tool and returns its open SSE response stream, to read event by event and to cut.
     *
     * @param name          the tool; not null
     * @param arguments     the tool arguments; not null
     * @param progressToken the progress token to send, or null for none
     * @return the open stream; close it to cut the connection
     * @throws IllegalStateException when the server does not answer with {@code text/event-stream}
     */
    public SseStream callToolStreaming(String name, ObjectNode arguments, String progressToken) {
        int id = nextId.getAndIncrement();
        return sseStream(post(toolCall(id, name, arguments, progressToken)), id);
    }

    /**
     * Resumes a cut stream: {@code GET} with {@code Last-Event-ID}; the server replays the events of that stream
     * after the id, then continues live.
     *
     * @param lastEventId the id of the last event received; not null
     * @param requestId   the JSON-RPC id of the request whose response the stream carries; see
     *                    {@link SseStream#requestId()}
     * @return the open stream
     */
    public SseStream resume(String lastEventId, int requestId) {
        HttpRequest request = request().header("Accept", "text/event-stream")
                .header("Last-Event-ID", lastEventId).GET().build();
        return sseStream(send(request), requestId);
    }

    private SseStream sseStream(HttpResponse<InputStream> response, int requestId) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/event-stream")) {
            discard(response);
            throw new IllegalStateException("expected text/event-stream, got '" + type + "'");
        }
        return new SseStream(response, requestId);
    }

    private Reply readReply(HttpResponse<InputStream> response, int id) {
        String node = nodeOf(response);
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("text/event-stream")) {
            try (SseStream stream = new SseStream(response, id)) {
                for (Event e = stream.next(); e != null; e = stream.next()) {
                    if (stream.isFinal(e)) {
                        return new Reply(node, e.json());
                    }
                }
            }
            throw new IllegalStateException("the stream ended without a response to request " + id);
        }
        try (InputStream body = response.body()) {
            return new Reply(node, JSON.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode message(int id, String method, ObjectNode params) {
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        message.set("params", params);
        return message;
    }

    private static ObjectNode toolCall(int id, String name, ObjectNode arguments, String progressToken) {
        ObjectNode params = JSON.createObjectNode().put("name", name);
        params.set("arguments", arguments);
        if (progressToken != null) {
            params.putObject("_meta").put("progressToken", progressToken);
        }
        return message(id, "tools/call", params);
    }

    /** @return a new, empty JSON object, e.g. for tool arguments */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private HttpResponse<InputStream> post(ObjectNode message) {
        return send(request().header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(message.toString())).build());
    }

    private HttpRequest.Builder request() {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("MCP-Protocol-Version", PROTOCOL_VERSION);
        if (sessionId != null) {
            builder.header("Mcp-Session-Id", sessionId);
        }
        return builder;
    }

    private HttpResponse<InputStream> send(HttpRequest request) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + url + ": " + Cli.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response;
        }
        String body = bodyText(response);
        if (status == 404 && sessionId != null) {
            throw new SessionGoneException(sessionId);
        }
        throw new IllegalStateException(request.method() + " " + url + " answered " + status + ": " + body);
    }

    private static String bodyText(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            String text = new String(body.readNBytes(2000), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no body)" : text;
        } catch (IOException e) {
            return "(body unreadable: " + e.getMessage() + ")";
        }
    }

    private static void discard(HttpResponse<InputStream> response) {
        bodyText(response);
    }

    private static String nodeOf(HttpResponse<?> response) {
        return response.headers().firstValue(NODE_HEADER).orElse("?");
    }

    /**
     * A final JSON-RPC response and the node that served it.
     *
     * @param node    the {@code Mcp-State-Node} response header, or {@code ?} when absent
     * @param message the JSON-RPC response
     */
    public record Reply(String node, JsonNode message) {

        /**
         * @return the first text content of a tool result
         * @throws IllegalStateException when the response is a JSON-RPC error or a tool error
         */
        public String text() {
            if (message.has("error")) {
                throw new IllegalStateException("JSON-RPC error: " + message.get("error"));
            }
            String text = message.at("/result/content/0/text").asText();
            if (message.at("/result/isError").asBoolean(false)) {
                throw new IllegalStateException("tool error: " + text);
            }
            return text;
        }
    }

    /**
     * One SSE event as read off the wire.
     *
     * @param id   the {@code id:} field, or null
     * @param data the {@code data:} lines joined by newlines; empty for a priming event
     */
    public record Event(String id, String data) {

        /** @return true for a priming event: an id and no data */
        public boolean priming() {
            return data.isEmpty();
        }

        /** @return the data parsed as JSON, or null for a priming event */
        public JsonNode json() {
            if (priming()) {
                return null;
            }
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException("event " + id + " is not JSON: " + data, e);
            }
        }
    }

    /**
     * An open SSE stream of one request: read it with {@link #next()}; {@link #close()} cuts the connection.
     * Comment lines (keep-alives), {@code event:} and {@code retry:} fields are skipped.
     */
    public static final class SseStream implements AutoCloseable {
        private final InputStream body;
        private final BufferedReader lines;
        private final String node;
        private final int requestId;

        SseStream(HttpResponse<InputStream> response, int requestId) {
            this.body = response.body();
            this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            this.node = nodeOf(response);
            this.requestId = requestId;
        }

        /** @return the {@code Mcp-State-Node} header of the response, or {@code ?} */
        public String node() {
            return node;
        }

        /** @return the JSON-RPC id of the request whose final response ends this stream */
        public int requestId() {
            return requestId;
        }

        /** @return true when the event carries the final response (result or error) of {@link #requestId()} */
        public boolean isFinal(Event event) {
            JsonNode json = event.json();
            return json != null && !json.has("method") && json.path("id").asInt(-1) == requestId;
        }

        /**
         * @return the next event, or null at the end of the stream
         * @throws UncheckedIOException when the connection fails
         */
        public Event next() {
            try {
                String id = null;
                List<String> data = new ArrayList<>();
                boolean any = false;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        if (any) {
                            return new Event(id, String.join("\n", data));
                        }
                    } else if (!line.startsWith(":")) {
                        any = true;
                        if (line.startsWith("id:")) {
                            id = field(line, 3);
                        } else if (line.startsWith("data:")) {
                            data.add(field(line, 5));
                        }
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("the event stream failed: " + Cli.describe(e), e);
            }
        }

        private static String field(String line, int nameLength) {
            String value = line.substring(nameLength);
            return value.startsWith(" ") ? value.substring(1) : value;
        }

        /** Cuts the connection. Idempotent. */
        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                // the connection is being cut on purpose
            }
        }
    }

    /** The server answered 404: the session is unknown, closed (DELETEd) or expired. */
    public static final class SessionGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String sessionId;

        /** @param sessionId the session the server does not know */
        public SessionGoneException(String sessionId) {
            super("session " + sessionId + " is unknown, closed or expired");
            this.sessionId = sessionId;
        }

        /** @return the session the server does not know */
        public String sessionId() {
            return sessionId;
        }
    }
}
