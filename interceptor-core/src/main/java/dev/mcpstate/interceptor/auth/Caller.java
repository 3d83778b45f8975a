package dev.mcpstate.interceptor.auth;

import java.util.Objects;

/**
 * An authenticated caller: the principal every session, stream and sidecar namespace of the caller is bound to.
 *
 * @param principal the caller's name, e.g. a token's owner or a JWT's {@code sub}; not blank
 * @param admin     true when the caller may run administrative operations (the sidecar's {@code sidecar_reset});
 *                  such a request answers {@code isUserInRole(}{@value #ADMIN_ROLE}{@code )} with true
 */
public record Caller(String principal, boolean admin) {

    /** The servlet role of admin callers. */
    public static final String ADMIN_ROLE = "admin";

    /** @throws IllegalArgumentException when the principal is null or blank */
    public Caller {
        Objects.requireNonNull(principal, "principal must not be null");
        if (principal.isBlank()) {
            throw new IllegalArgumentException("principal must not be blank");
        }
    }
}
