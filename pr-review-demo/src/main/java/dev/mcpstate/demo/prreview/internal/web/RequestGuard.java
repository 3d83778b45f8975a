package dev.mcpstate.demo.prreview.internal.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps other web sites out of the dashboard, which starts processes on this machine:
 *
 * <ul>
 *   <li>every response carries a strict Content-Security-Policy (scripts and styles from this origin only, no
 *       inline script, no frames), {@code X-Content-Type-Options: nosniff} and {@code Referrer-Policy:
 *       no-referrer}; API responses are not cached;</li>
 *   <li>the {@code Host} header must name a loopback address or the host the dashboard was bound to (no DNS
 *       rebinding): otherwise 403;</li>
 *   <li>a {@code POST} must be {@code application/json} (a cross-site form cannot send that without a CORS
 *       preflight, which is never granted): otherwise 415; and when it carries an {@code Origin}, that origin must
 *       be the dashboard's own: otherwise 403.</li>
 * </ul>
 */
final class RequestGuard extends HttpFilter {

    private static final long serialVersionUID = 1L;
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final String boundHost;

    /** @param boundHost the interface the dashboard listens on, e.g. {@code 127.0.0.1} */
    RequestGuard(String boundHost) {
        this.boundHost = boundHost.toLowerCase(Locale.ROOT);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        if (request.getRequestURI().startsWith("/api/")) {
            response.setHeader("Cache-Control", "no-store");
        }
        String host = hostName(request.getHeader("Host"));
        if (!LOOPBACK.contains(host) && !host.startsWith("127.") && !host.equals(boundHost)) {
            refuse(request, response, 403, "Host '" + host + "' is not allowed: open the dashboard by its address");
            return;
        }
        if ("POST".equals(request.getMethod())) {
            String type = request.getContentType();
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                refuse(request, response, 415, "POST bodies must be application/json");
                return;
            }
            String origin = request.getHeader("Origin");
            if (origin != null && !origin.equalsIgnoreCase("http://" + request.getHeader("Host"))) {
                refuse(request, response, 403, "cross-origin requests are not allowed");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** Answers with an error and closes the connection, whose unread body would confuse the next request. */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        request.getInputStream().readNBytes(64 * 1024);
        response.setHeader("Connection", "close");
        ApiServlet.error(response, status, message);
    }

    /** @return the host part of a Host header, lower case, without the port; "" when absent */
    static String hostName(String header) {
        if (header == null) {
            return "";
        }
        String host = header.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }
}
