package dev.mcpstate.jetty.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A servlet context's error handler: a servlet's {@code sendError} and uncaught exceptions get a JSON-RPC error
 * body with a plain message for the status, never Jetty's HTML page, the exception or its stack. Thread-safe.
 */
public final class JsonServletErrorHandler extends ErrorHandler {

    @Override
    protected void generateAcceptableResponse(ServletContextRequest baseRequest, HttpServletRequest request,
            HttpServletResponse response, int code, String message) throws IOException {
        byte[] body = JsonErrorBodies.forStatus(code);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
        fields.put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(JsonErrorBodies.forStatus(status));
    }
}
