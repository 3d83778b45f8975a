package dev.mcpstate.interceptor.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.store.internal.Json;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A response for servlets the filter passes requests to untouched: success bodies stream through as written, but an
 * error body (status 400 or more, or {@code sendError}) is held back and sent by {@link #finish} as a JSON-RPC
 * error whose message names no Java internals ({@link ErrorMessages}). Not thread-safe, like the response it wraps.
 */
public final class SanitizingResponse extends HttpServletResponseWrapper {

    private final JsonNode requestId;
    private int status = 200;
    private ByteArrayOutputStream held;
    private ServletOutputStream heldStream;
    private PrintWriter heldWriter;

    /**
     * @param response  the real response; not null
     * @param requestId the id of the request being answered, or null
     */
    public SanitizingResponse(HttpServletResponse response, JsonNode requestId) {
        super(response);
        this.requestId = requestId;
    }

    @Override
    public void setStatus(int sc) {
        status = sc;
        super.setStatus(sc);
    }

    @Override
    public void sendError(int sc) {
        sendError(sc, null);
    }

    @Override
    public void sendError(int sc, String msg) {
        setStatus(sc);
        holding().reset();
    }

    @Override
    public void setContentLength(int len) {
        if (status < 400) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (status < 400) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (status < 400) {
            return super.getOutputStream();
        }
        holding();
        if (heldStream == null) {
            heldStream = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    held.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    held.write(b, off, len);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new IllegalStateException("an error body is written blocking");
                }
            };
        }
        return heldStream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (status < 400) {
            return super.getWriter();
        }
        holding();
        if (heldWriter == null) {
            heldWriter = new PrintWriter(new OutputStreamWriter(getOutputStream(), StandardCharsets.UTF_8));
        }
        return heldWriter;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (held == null) {
            super.flushBuffer();
        }
    }

    private ByteArrayOutputStream holding() {
        if (held == null) {
            held = new ByteArrayOutputStream();
        }
        return held;
    }

    /**
     * Sends the held error body, sanitized; does nothing when no error was written.
     *
     * @return true when an error body was sent
     */
    public boolean finish() throws IOException {
        if (held == null || status < 400) {
            return false;
        }
        if (heldWriter != null) {
            heldWriter.flush();
        }
        byte[] body = held.toByteArray();
        JsonNode json = Json.parseOrNull(body);
        HttpServletResponse real = (HttpServletResponse) getResponse();
        if (json != null && json.isObject() && json.path("error").path("code").isInt()) {
            // a JSON-RPC error of the servlet: kept whole (its data, e.g. the supported versions of an
            // UnsupportedProtocolVersionError), its message and data sanitized
            JsonRpcErrors.sendBody(real, status, ErrorMessages.sanitizeResponse(
                    new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            return true;
        }
        JsonNode error = json == null ? null : json.get("error");
        int code = JsonRpcErrors.codeFor(status); // an error with an integer code was sent whole above
        String message = error != null ? ErrorMessages.safe(error.path("message").asText(null), code)
                : JsonRpcErrors.messageFor(status);
        JsonNode id = json != null && json.has("id") ? json.get("id") : requestId;
        JsonRpcErrors.send(real, status, id, code, message);
        return true;
    }
}
