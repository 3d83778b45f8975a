package dev.mcpstate.interceptor.auth;

import dev.mcpstate.store.internal.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Objects;

/**
 * Serves a {@link ProtectedResourceMetadata} document as {@code application/json} to {@code GET} (RFC 9728,
 * section 3.2). Mount it at {@link ProtectedResourceMetadata#WELL_KNOWN} and at the path of
 * {@link ProtectedResourceMetadata#metadataUrl()}; needs no authentication. Thread-safe.
 */
public final class ProtectedResourceMetadataServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final byte[] document;

    /** @param metadata the document to serve; not null */
    public ProtectedResourceMetadataServlet(ProtectedResourceMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata must not be null");
        try {
            this.document = Json.MAPPER.writeValueAsBytes(metadata.toJson());
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the resource metadata", e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "max-age=3600");
        response.setContentLength(document.length);
        response.getOutputStream().write(document);
    }
}
