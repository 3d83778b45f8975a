package dev.mcpstate.jetty.internal;

import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;

/** The one JSON-RPC error body of Jetty-level errors: a plain message for the status, never a cause or a stack. */
final class JsonErrorBodies {

    private JsonErrorBodies() {
    }

    /** @return the UTF-8 body for an HTTP error status */
    static byte[] forStatus(int status) {
        int code = status >= 400 ? status : 500;
        return JsonRpcErrors.bytes(null, JsonRpcErrors.codeFor(code), JsonRpcErrors.messageFor(code));
    }
}
