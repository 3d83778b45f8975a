package dev.mcpstate.sidecar.internal;

/**
 * Bad tool input. Becomes a tool result with {@code isError: true} and this plain message; nothing was
 * written.
 */
public final class ToolError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ToolError(String message) {
        super(message, null, false, false);
    }
}
