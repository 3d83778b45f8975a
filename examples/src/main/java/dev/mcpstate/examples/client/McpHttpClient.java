package dev.mcpstate.examples.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.interceptor.sse.SseParser;
import dev.mcpstate.store.internal.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The project's one MCP Streamable HTTP client (MCP spec 2025-11-25, "Streamable HTTP"), on {@code java.net.http}
 * with the filter's own incremental {@link SseParser}: for the example clients, the integration tests and the
 * benchmarks — everything the SDK client cannot do: adopt an existing {@code Mcp-Session-Id}, read the
 * {@code Mcp-State-Node} header of every response, send raw or malformed messages, read an SSE response event by
 * event, cut it, and resume with {@code GET} + {@code Last-Event-ID}.
 *
 * <pre>{@code
 * McpHttpClient client = new McpHttpClient(URI.create("http://127.0.0.1:8080/mcp")).open();
 * JsonNode echoed = client.callTool("echo", "{\"text\":\"hi\"}");
 * }</pre>
 *
 * <p>Every request carries {@code MCP-Protocol-Version} ({@value #PROTOCOL_VERSION} unless set otherwise), the
 * session id once known, and any {@link #header(String, String) extra header}. Responses are returned as they come:
 * no status is an error here, except where a method says so. Close every {@link Response}; the client itself holds
 * only idle keep-alive connections. Not thread-safe: one caller at a time; several responses may be open at once.
 */
public final class McpHttpClient {

    /** The protocol version this client speaks unless told otherwise. */
    public static final String PROTOCOL_VERSION = "2025-11-25";
    /** The response header that names the mcp-state node that served a request. */
    public static final String NODE_HEADER = "Mcp-State-Node";
    /** How long one request may wait for its response head. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Cuts response bodies that stay silent longer than the read timeout. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "mcp-http-client-read-timeout");
        thread.setDaemon(true);
        return thread;
    });

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private String protocolVersion = PROTOCOL_VERSION;
    private String sessionId;
    private String openedOn;
    private Duration readTimeout;

    /** @param url the MCP endpoint, e.g. {@code http://127.0.0.1:3000/mcp}; not null */
    public McpHttpClient(URI url) {
        this.url = Objects.requireNonNull(url, "url must not be null");
    }

    /** @return the MCP endpoint */
    public URI url() {
        return url;
    }

    /** @return the session id, or null before {@link #open} or {@link #adopt} */
    public String sessionId() {
        return sessionId;
    }

    /** @return the {@code Mcp-State-Node} that answered {@link #open}'s {@code initialize}, or null before */
    public String openedOn() {
        return openedOn;
    }

    /**
     * Continues an existing session (null: none) with the next requests.
     *
     * @return this client
     */
    public McpHttpClient adopt(String id) {
        this.sessionId = id;
        return this;
    }

    /**
     * Sends a header with every later request; a null value stops sending it.
     *
     * @return this client
     */
    public McpHttpClient header(String name, String value) {
        if (value == null) {
            extraHeaders.remove(name);
        } else {
            extraHeaders.put(name, value);
        }
        return this;
    }

    /**
     * Sets the {@code MCP-Protocol-Version} of later requests and of {@code initialize}; null sends no header.
     *
     * @return this client
     */
    public McpHttpClient protocolVersion(String version) {
        this.protocolVersion = version;
        return this;
    }

    /**
     * Bounds every read of a response body: a body silent this long is cut, and the read fails with
     * {@link UncheckedIOException}. Null (the default) waits as long as the server keeps the connection open.
     *
     * @return this client
     */
    public McpHttpClient readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    /** @return a new JSON-RPC request id of this client */
    public int nextId() {
        return nextId.getAndIncrement();
    }

    /**
     * Opens a session with empty client capabilities: {@code initialize}, then {@code notifications/initialized}.
     *
     * @return this client, with the session id set
     * @throws IllegalStateException when the server refuses
     */
    public McpHttpClient open() {
        return open("mcp-state-client", "{}");
    }

    /**
     * Opens a session: {@code initialize} with these client capabilities, then {@code notifications/initialized}.
     *
     * @param clientName       the {@code clientInfo.name}; not null
     * @param capabilitiesJson the client capabilities as a JSON object, e.g. {@code {"elicitation":{}}}; not null
     * @return this client, with the session id set
     * @throws IllegalStateException when the server refuses or sends no {@code Mcp-Session-Id}
     */
    public McpHttpClient open(String clientName, String capabilitiesJson) {
        try (Response init = initialize(clientName, capabilitiesJson)) {
            String body = init.text();
            String id = init.header("Mcp-Session-Id");
            if (init.status() != 200 || id == null) {
                throw new IllegalStateException("initialize answered " + init.status() + ": " + body);
            }
            sessionId = id;
            openedOn = init.node();
        }
        try (Response initialized = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")) {
            if (initialized.status() != 202) {
                throw new IllegalStateException("notifications/initialized answered " + initialized.status() + ": "
                        + initialized.text());
            }
        }
        return this;
    }

    /**
     * Sends {@code initialize} (id 0) and returns the answer as it is; does not send {@code notifications/initialized}
     * and does not remember the session id.
     */
    public Response initialize(String clientName, String capabilitiesJson) {
        return post(initializeRequest(clientName, capabilitiesJson,
                protocolVersion == null ? PROTOCOL_VERSION : protocolVersion));
    }

    /** @return the text of an {@code initialize} request with id 0 */
    public static String initializeRequest(String clientName, String capabilitiesJson, String version) {
        return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version
                + "\",\"capabilities\":" + capabilitiesJson + ",\"clientInfo\":{\"name\":" + Json.quote(clientName)
                + ",\"version\":\"1\"}}}";
    }

    /** @return the text of a {@code tools/call} request; {@code progressToken} null for none */
    public static String toolCall(int id, String tool, String argumentsJson, String progressToken) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                + Json.quote(tool) + ",\"arguments\":" + argumentsJson
                + (progressToken == null ? "" : ",\"_meta\":{\"progressToken\":" + Json.quote(progressToken) + "}")
                + "}}";
    }

    /**
     * Calls a tool and reads its answer (JSON or SSE) to the final response.
     *
     * @param tool          the tool name; not null
     * @param argumentsJson the arguments as a JSON object; not null
     * @return the final JSON-RPC response (result or error)
     * @throws IllegalStateException when the server answers with an HTTP error or ends without the response
     */
    public JsonNode callTool(String tool, String argumentsJson) {
        int id = nextId();
        try (Response response = post(toolCall(id, tool, argumentsJson, null))) {
            return response.finalResponse(id);
        }
    }

    /**
     * POSTs one JSON-RPC message (or anything: the text is sent as it is).
     *
     * @return the open response; close it
     */
    public Response post(String body) {
        return post(body, Map.of());
    }

    /** POSTs with extra headers for this request only (they replace same-named ones). */
    public Response post(String body, Map<String, String> headers) {
        HttpRequest.Builder request = request(headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!headers.containsKey("Accept")) {
            request.setHeader("Accept", "application/json, text/event-stream");
        }
        return send(request.build());
    }

    /**
     * Opens a {@code GET}: the listening stream ({@code lastEventId} null), or a resumption after {@code lastEventId}.
     *
     * @return the open response; read its events, close it to cut the connection
     */
    public Response get(String lastEventId) {
        HttpRequest.Builder request = request(Map.of()).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return send(request.build());
    }

    /** Sends {@code DELETE} for the session: the server ends it. */
    public Response delete() {
        return send(request(Map.of()).DELETE().build());
    }

    /**
     * A POST of this client's protocol for a caller that drives many sessions over one {@link HttpClient} of its
     * own (this client holds one connection pool per session).
     *
     * @param url       the MCP endpoint; not null
     * @param sessionId the session, or null before initialize
     * @param body      the JSON-RPC message; not null
     * @return the request, with {@value #PROTOCOL_VERSION}, JSON content and the two accepted types
     */
    public static HttpRequest postRequest(URI url, String sessionId, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", PROTOCOL_VERSION).POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        return request.build();
    }

    /**
     * The GET of a session's listening stream, for the same callers as {@link #postRequest}.
     *
     * @param url       the MCP endpoint; not null
     * @param sessionId the session; not null
     * @return the request, with {@value #PROTOCOL_VERSION} and {@code Accept: text/event-stream}, no timeout
     */
    public static HttpRequest listenRequest(URI url, String sessionId) {
        return HttpRequest.newBuilder(url).header("Accept", "text/event-stream").header("Mcp-Session-Id", sessionId)
                .header("MCP-Protocol-Version", PROTOCOL_VERSION).GET().build();
    }

    private HttpRequest.Builder request(Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT);
        if (protocolVersion != null) {
            builder.header("MCP-Protocol-Version", protocolVersion);
        }
        if (sessionId != null) {
            builder.header("Mcp-Session-Id", sessionId);
        }
        extraHeaders.forEach(builder::setHeader);
        headers.forEach(builder::setHeader);
        return builder;
    }

    private Response send(HttpRequest request) {
        try {
            return new Response(http.send(request, HttpResponse.BodyHandlers.ofInputStream()), readTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * One HTTP response, its body read lazily: whole ({@link #text()}, {@link #json()}) or event by event
     * ({@link #next()}). {@link #close()} cuts the connection. Not thread-safe.
     */
    public static final class Response implements AutoCloseable {
        private final HttpResponse<InputStream> response;
        private final InputStream body;
        private final ArrayDeque<SseEvent> ready = new ArrayDeque<>();
        private final SseParser parser = new SseParser(ready::add);
        private final byte[] buffer = new byte[16 * 1024];
        private final Duration readTimeout;
        private String text;

        Response(HttpResponse<InputStream> response, Duration readTimeout) {
            this.response = response;
            this.body = response.body();
            this.readTimeout = readTimeout;
        }

        /** One read of the body, cut when it outlasts the read timeout. */
        private int read(byte[] into) throws IOException {
            if (readTimeout == null) {
                return body.read(into);
            }
            ScheduledFuture<?> cut = WATCHDOG.schedule(this::close, readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                return body.read(into);
            } finally {
                cut.cancel(false);
            }
        }

        /** @return the HTTP status */
        public int status() {
            return response.statusCode();
        }

        /** @return the first value of a response header, or null */
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** @return the {@code Mcp-State-Node} header, or {@code ?} when absent */
        public String node() {
            String node = header(NODE_HEADER);
            return node == null ? "?" : node;
        }

        /** @return true when the body is {@code text/event-stream} */
        public boolean isEventStream() {
            String type = header("Content-Type");
            return type != null && type.startsWith("text/event-stream");
        }

        /** @return the whole body (what is left of it) as text, read once and kept; closes the response */
        public String text() {
            if (text == null) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                try (InputStream in = body) {
                    for (int n = read(buffer); n >= 0; n = read(buffer)) {
                        all.write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("the response body failed: " + e, e);
                }
                text = all.toString(StandardCharsets.UTF_8);
            }
            return text;
        }

        /** @return the whole body parsed as JSON; closes the response */
        public JsonNode json() {
            String text = text();
            JsonNode parsed = Json.parseOrNull(text);
            if (parsed == null) {
                throw new IllegalStateException("the body is not JSON: " + text);
            }
            return parsed;
        }

        /**
         * @return the next SSE event (comments and keep-alives skipped; priming events included, with empty data),
         *         or null at the end of the stream
         * @throws UncheckedIOException when the connection fails
         */
        public SseEvent next() {
            try {
                while (ready.isEmpty()) {
                    int n = read(buffer);
                    if (n < 0) {
                        return null;
                    }
                    parser.feed(buffer, 0, n);
                }
                return ready.poll();
            } catch (IOException e) {
                throw new UncheckedIOException("the event stream failed: " + e, e);
            }
        }

        /** @return the next event that carries a JSON-RPC message (priming events skipped), or null at the end */
        public SseEvent nextMessage() {
            for (SseEvent event = next(); event != null; event = next()) {
                if (!event.data().isEmpty()) {
                    return event;
                }
            }
            return null;
        }

        /**
         * Reads the answer to the final response of a request: the JSON body, or the SSE events until the one that
         * carries the response with {@code id}.
         *
         * @return the JSON-RPC response
         * @throws IllegalStateException on an HTTP error status or when the stream ends first
         */
        public JsonNode finalResponse(int id) {
            if (status() / 100 != 2) {
                throw new IllegalStateException("answered " + status() + ": " + text());
            }
            if (!isEventStream()) {
                return json();
            }
            for (SseEvent event = nextMessage(); event != null; event = nextMessage()) {
                JsonNode message = Json.parseOrNull(event.data());
                if (message != null && !message.has("method") && message.path("id").asInt(-1) == id) {
                    return message;
                }
            }
            throw new IllegalStateException("the stream ended without a response to request " + id);
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
}
