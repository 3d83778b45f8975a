package dev.mcpstate.demo.prreview.internal.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A connection to the state sidecar's MCP endpoint through the official MCP Java SDK client
 * ({@code McpClient.sync(HttpClientStreamableHttpTransport)}). Every call is one {@code tools/call}; its
 * structured result is handed back as JSON and reported to the {@link CallListener}.
 *
 * <p>Thread-safe: calls from several threads share the one MCP session.
 */
public final class SidecarClient implements AutoCloseable {

    /** Hears every call and its outcome, on the calling thread. */
    @FunctionalInterface
    public interface CallListener {
        /**
         * @param tool   the tool's name
         * @param args   the arguments sent
         * @param result the structured result, or {@code {"error": message}} when the call failed
         * @param error  true when the call failed
         * @param millis how long the call took, in milliseconds
         */
        void onCall(String tool, Map<String, Object> args, JsonNode result, boolean error, long millis);

        /** A listener that ignores everything. */
        CallListener NONE = (tool, args, result, error, millis) -> { };
    }

    private static final ObjectMapper JSON = Json.MAPPER;

    private final McpSyncClient client;
    private final CallListener listener;

    private SidecarClient(McpSyncClient client, CallListener listener) {
        this.client = client;
        this.listener = listener;
    }

    /**
     * The environment variable that hands the bearer token of an authenticating sidecar from the dashboard to the
     * agent processes it starts (never their command line, which {@code ps} shows).
     */
    public static final String TOKEN_ENV = "PR_REVIEW_SIDECAR_TOKEN";

    /**
     * Connects and initializes an MCP session.
     *
     * @param url        the sidecar's MCP endpoint, e.g. {@code http://127.0.0.1:8000/mcp}; not null
     * @param clientName the name sent as {@code clientInfo.name}; not null
     * @param timeout    how long one request may take; not null
     * @param listener   hears every call; not null
     * @return the connected client
     * @throws SidecarException when the sidecar cannot be reached or refuses the session
     */
    public static SidecarClient connect(URI url, String clientName, Duration timeout, CallListener listener) {
        return connect(url, null, clientName, timeout, listener);
    }

    /**
     * Opens an MCP session with a sidecar that authenticates its callers, showing it a bearer token on every
     * request ({@code Authorization: Bearer}, MCP spec 2025-11-25, "Authorization"); the sidecar's tenant is then the
     * token's principal, so every client of one demo must show the same token.
     *
     * @param token the bearer token, or null to call anonymously
     * @see #connect(URI, String, Duration, CallListener)
     */
    public static SidecarClient connect(URI url, String token, String clientName, Duration timeout,
            CallListener listener) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(listener, "listener");
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/mcp" : url.getRawPath();
        HttpRequest.Builder requests = HttpRequest.newBuilder();
        if (token != null) {
            requests.header("Authorization", "Bearer " + token);
        }
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint).connectTimeout(timeout).requestBuilder(requests).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(timeout)
                .clientInfo(McpSchema.Implementation.builder(clientName, "1").build()).build();
        try {
            client.initialize();
        } catch (RuntimeException e) {
            client.close();
            throw new SidecarException("cannot open an MCP session with the sidecar at " + url + ": "
                    + e.getMessage(), e);
        }
        return new SidecarClient(client, listener);
    }

    /**
     * Calls one sidecar tool.
     *
     * @param tool the tool's name, e.g. {@code workflow_claim}; not null
     * @param args its arguments (JSON-compatible values); not null
     * @return the tool's structured result, a JSON object
     * @throws SidecarException when the tool answers with an error or the call fails
     */
    public JsonNode call(String tool, Map<String, Object> args) {
        long start = System.nanoTime();
        McpSchema.CallToolResult result;
        try {
            result = client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
        } catch (RuntimeException e) {
            String message = tool + " failed: " + e.getMessage();
            listener.onCall(tool, args, JSON.createObjectNode().put("error", message), true, millisSince(start));
            throw new SidecarException(message, e);
        }
        if (Boolean.TRUE.equals(result.isError())) {
            String message = tool + ": " + text(result);
            listener.onCall(tool, args, JSON.createObjectNode().put("error", message), true, millisSince(start));
            throw new SidecarException(message, null);
        }
        JsonNode structured = result.structuredContent() != null ? JSON.valueToTree(result.structuredContent())
                : parse(text(result));
        listener.onCall(tool, args, structured, false, millisSince(start));
        return structured;
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content() == null ? "" : result.content().stream()
                .filter(McpSchema.TextContent.class::isInstance).map(c -> ((McpSchema.TextContent) c).text())
                .findFirst().orElse("");
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode().put("text", text);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Ends the MCP session. Idempotent. */
    @Override
    public void close() {
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            client.close();
        }
    }
}
