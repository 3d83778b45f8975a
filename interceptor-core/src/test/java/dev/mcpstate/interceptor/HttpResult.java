package dev.mcpstate.interceptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpTester;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A complete HTTP response as the client received it.
 *
 * @param status  the status code
 * @param headers header values by lower-case name (the last value wins)
 * @param body    the body decoded as UTF-8 (de-chunked)
 */
public record HttpResult(int status, Map<String, String> headers, String body) {

    private static final ObjectMapper JSON = Json.MAPPER;

    static HttpResult of(HttpTester.Response response) {
        Map<String, String> headers = new TreeMap<>();
        for (HttpField field : response) {
            headers.put(field.getName().toLowerCase(Locale.ROOT), field.getValue());
        }
        byte[] content = response.getContentBytes();
        return new HttpResult(response.getStatus(), Map.copyOf(headers),
                content == null ? "" : new String(content, StandardCharsets.UTF_8));
    }

    /** @return the header's value, or null */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** @return the body parsed as JSON */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("body is not JSON: " + body, e);
        }
    }

    /** @return the body parsed as SSE frames */
    public List<SseFrame> frames() {
        return SseFrame.parseAll(body);
    }

    /** @return the frames that carry a JSON-RPC message */
    public List<SseFrame> messages() {
        return frames().stream().filter(SseFrame::isMessage).toList();
    }

    /**
     * Checks that this is a JSON-RPC error response as the filter writes them: the status, a JSON content type,
     * {@code jsonrpc}, an {@code id} member, the code, a plain non-blank message, no stack trace, no HTML.
     *
     * @return this, for more checks
     */
    public HttpResult assertJsonRpcError(int expectedStatus, int expectedCode) {
        assertThat(status).as(toString()).isEqualTo(expectedStatus);
        assertThat(header("Content-Type")).as(toString()).startsWith("application/json");
        JsonNode json = json();
        assertThat(json.path("jsonrpc").asText()).as(body).isEqualTo("2.0");
        assertThat(json.has("id")).as(body).isTrue();
        assertThat(json.at("/error/code").asInt()).as(body).isEqualTo(expectedCode);
        assertThat(json.at("/error/message").asText()).as(body).isNotBlank();
        assertThat(body).doesNotContain("stackTrace").doesNotContain("Exception").doesNotContainIgnoringCase("<html");
        return this;
    }

    @Override
    public String toString() {
        return status + " " + headers + "\n" + body;
    }
}
