package dev.mcpstate.demo.prreview.internal.sidecar;

/** A sidecar tool call that failed: the tool answered with an error, or the sidecar could not be reached. */
public final class SidecarException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the tool
     * @param cause   the transport failure, or null for a tool error
     */
    public SidecarException(String message, Throwable cause) {
        super(message, cause);
    }
}
