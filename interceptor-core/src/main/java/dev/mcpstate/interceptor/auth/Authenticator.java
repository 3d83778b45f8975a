package dev.mcpstate.interceptor.auth;

import java.util.Optional;

/**
 * Checks a request's bearer token (RFC 6750, {@code Authorization: Bearer <token>}) and names its caller. The
 * session filter asks it first, for every request of every protocol era: a rejected request gets {@code 401} with
 * {@code WWW-Authenticate: }{@link #challenge()} (MCP spec 2025-11-25, "Authorization"), an unavailable one
 * {@code 503} with {@code Retry-After}. Two implementations ship: {@link StaticTokens} (a token file) and
 * {@link JwtAuthenticator} (OAuth 2.1 access tokens as JWTs).
 *
 * <p>Implementations must be thread-safe: one instance serves every request of a node.
 */
public interface Authenticator {

    /**
     * @param bearerToken the token from {@code Authorization: Bearer}; null when the request carries none
     * @return the caller the token belongs to
     * @throws Rejected    when the token is missing, unknown, expired, or meant for another resource
     * @throws Unavailable when the token cannot be checked now (e.g. the issuer's keys are unreachable)
     */
    Caller authenticate(String bearerToken) throws Rejected, Unavailable;

    /**
     * @return the {@code WWW-Authenticate} value of a 401 without an error attribute, e.g.
     *         {@code Bearer realm="mcp"} or {@code Bearer resource_metadata="https://…"}
     */
    String challenge();

    /** @return the Protected Resource Metadata (RFC 9728) to serve, when the tokens come from an OAuth issuer */
    default Optional<ProtectedResourceMetadata> resourceMetadata() {
        return Optional.empty();
    }

    /** The token is not acceptable; the message is safe to send to the client (it never echoes the token). */
    final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message a plain sentence for the client, e.g. "The access token has expired" */
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** The token cannot be checked now; the request should be retried. */
    final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message what failed, for the log; @param cause the underlying fault, may be null */
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
