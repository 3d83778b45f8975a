package dev.mcpstate.demo.prreview.internal.dashboard;

/** A request the dashboard refuses or cannot serve: an HTTP status and a message for people. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status  the HTTP status, e.g. 400, 404, 409, 413, 502, 504
     * @param message what went wrong and what to do instead; shown as is
     */
    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }
}
