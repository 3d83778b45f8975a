package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.auth.Authenticator;
import dev.mcpstate.interceptor.auth.Caller;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.Principal;
import java.util.Locale;

/**
 * Names the caller of every request, of every protocol era, before anything is read or stored (MCP spec
 * 2025-11-25, "Authorization").
 *
 * <ul>
 *   <li>With an {@link Authenticator}: the {@code Authorization: Bearer} token is checked; missing or rejected:
 *       {@code 401} with {@code WWW-Authenticate} (RFC 6750, section 3; {@code error="invalid_token"} when a token
 *       was sent); cannot be checked now: {@code 503} with {@code Retry-After}. An accepted request is wrapped so
 *       that {@code getUserPrincipal()} and {@code isUserInRole("admin")} tell the caller to everything behind
 *       the filter, the SDK's transport context included.</li>
 *   <li>Without one: the container's principal ({@code getUserPrincipal()}), or none.</li>
 * </ul>
 * The principal is recorded in the exchange; sessions are bound to it at {@code initialize}.
 */
public final class Authentication implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(Authentication.class);
    private static final String BEARER = "bearer ";

    private final Authenticator authenticator;
    private final int retryAfterSeconds;

    /**
     * @param authenticator checks tokens; null to use the container's principal
     * @param retryAfterSeconds {@code Retry-After} of a 503 when the authenticator is unavailable
     */
    public Authentication(Authenticator authenticator, int retryAfterSeconds) {
        this.authenticator = authenticator;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        HttpServletRequest request = exchange.request();
        if (authenticator == null) {
            Principal principal = request.getUserPrincipal();
            exchange.principal(principal == null ? null : principal.getName());
            chain.proceed();
            return;
        }
        String token = bearerToken(request.getHeader("Authorization"));
        Caller caller;
        try {
            caller = authenticator.authenticate(token);
        } catch (Authenticator.Rejected e) {
            String challenge = token == null ? authenticator.challenge()
                    : authenticator.challenge() + ", error=\"invalid_token\", error_description=\""
                            + e.getMessage().replace("\"", "'") + "\"";
            exchange.response().setHeader("WWW-Authenticate", challenge);
            JsonRpcErrors.send(exchange.response(), 401, null, ErrorCodes.UNAUTHORIZED, e.getMessage());
            return;
        } catch (Authenticator.Unavailable e) {
            log.warn("cannot authenticate now: {} cause={}", e.getMessage(), String.valueOf(e.getCause()));
            exchange.unavailable(Exchange.Unavailable.AUTHENTICATION);
            exchange.response().setHeader(Headers.RETRY_AFTER, String.valueOf(retryAfterSeconds));
            JsonRpcErrors.send(exchange.response(), 503, null, ErrorCodes.STORAGE_UNAVAILABLE,
                    "Authentication is unavailable; retry in " + retryAfterSeconds + " s");
            return;
        }
        exchange.request(new AuthenticatedRequest(request, caller));
        exchange.principal(caller.principal());
        chain.proceed();
    }

    /** @return the token of a {@code Bearer} credential, or null for none or another scheme */
    static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    /** A request that reports the authenticated caller as its user. */
    static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final Caller caller;
        private final Principal principal;

        AuthenticatedRequest(HttpServletRequest request, Caller caller) {
            super(request);
            this.caller = caller;
            String name = caller.principal();
            this.principal = () -> name;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return caller.principal();
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.admin() && Caller.ADMIN_ROLE.equals(role);
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
    }
}
