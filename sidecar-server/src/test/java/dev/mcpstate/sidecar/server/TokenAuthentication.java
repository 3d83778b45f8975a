package dev.mcpstate.sidecar.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.security.Principal;
import java.util.Map;
import java.util.Set;

/**
 * Test-only stand-in for a container's authentication, until the project's own lands: a bearer token from a fixed
 * map names a principal and its roles, and the request goes on wrapped so that {@code getUserPrincipal()} and
 * {@code isUserInRole} answer for it. No {@code Authorization} header: the request goes on unchanged (anonymous);
 * an unknown token: 401.
 */
final class TokenAuthentication implements Filter {

    /** Who a token stands for. */
    record Identity(String name, Set<String> roles) {
    }

    private final Map<String, Identity> tokens;

    /** @param tokens token to identity */
    TokenAuthentication(Map<String, Identity> tokens) {
        this.tokens = Map.copyOf(tokens);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            chain.doFilter(req, res);
            return;
        }
        Identity identity = authorization.startsWith("Bearer ") ? tokens.get(authorization.substring(7)) : null;
        if (identity == null) {
            ((HttpServletResponse) res).sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        chain.doFilter(new Authenticated(request, identity), res);
    }

    private static final class Authenticated extends HttpServletRequestWrapper {
        private final Identity identity;

        Authenticated(HttpServletRequest request, Identity identity) {
            super(request);
            this.identity = identity;
        }

        @Override
        public Principal getUserPrincipal() {
            return identity::name;
        }

        @Override
        public String getRemoteUser() {
            return identity.name();
        }

        @Override
        public boolean isUserInRole(String role) {
            return identity.roles().contains(role);
        }

        @Override
        public String getAuthType() {
            return "BEARER";
        }
    }
}
