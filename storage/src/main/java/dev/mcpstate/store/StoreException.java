package dev.mcpstate.store;

/**
 * A storage fault: the backend could not be reached, a write failed, or stored data is corrupt. Expected
 * outcomes (an unknown session, a lost claim) are result values, never this exception.
 *
 * <p>At the HTTP boundary the session filter answers a request that hit a storage fault with
 * {@code 503 Service Unavailable} and {@code Retry-After}, so nothing passes through unrecorded.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, in plain words; not null
     * @param cause the underlying fault, may be null
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what failed, in plain words; not null */
    public StoreException(String message) {
        super(message);
    }
}
