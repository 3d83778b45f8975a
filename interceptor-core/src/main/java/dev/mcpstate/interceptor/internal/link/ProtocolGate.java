package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import jakarta.servlet.ServletException;

import java.io.IOException;
import java.net.URI;
import java.security.Principal;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether the filter handles a request at all, and checks what applies to every request.
 *
 * <ul>
 *   <li>{@code MCP-Protocol-Version} of an era without sessions ({@value #FIRST_SESSIONLESS_VERSION} and later):
 *       handed to the servlet untouched — nothing stored, nothing rewritten.</li>
 *   <li>Missing version: the filter assumes {@code 2025-03-26} (spec 2025-11-25, "Protocol Version Header").
 *       A version that is not a date, or a date the server does not support: {@code 400}.</li>
 *   <li>{@code Origin} that is neither loopback nor in the allowed set: {@code 403} (spec, "Security Warning":
 *       servers MUST validate Origin against DNS rebinding).</li>
 *   <li>Records the caller's principal ({@code request.getUserPrincipal()}) for the session guard.</li>
 * </ul>
 */
public final class ProtocolGate implements Interceptor {

    /** The first protocol version without sessions, the initialize handshake or resumability. */
    public static final String FIRST_SESSIONLESS_VERSION = "2026-07-28";
    /** Versions with sessions that the MCP Java SDK 2.0 serves. */
    public static final Set<String> SESSION_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18",
            "2025-11-25");

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Set<String> allowedOrigins;

    /** @param allowedOrigins origins allowed besides loopback ones, e.g. {@code https://app.example.com} */
    public ProtocolGate(Set<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        String version = exchange.request().getHeader(Headers.MCP_PROTOCOL_VERSION);
        if (version != null) {
            version = version.trim();
            if (isSessionless(version)) {
                chain.bypass();
                return;
            }
            if (!SESSION_VERSIONS.contains(version)) {
                JsonRpcErrors.send(exchange.response(), 400, null, ErrorCodes.BAD_REQUEST,
                        "Unsupported MCP-Protocol-Version: " + version + "; supported: "
                                + String.join(", ", SESSION_VERSIONS.stream().sorted().toList()));
                return;
            }
            exchange.protocolVersion(version);
        }
        String origin = exchange.request().getHeader(Headers.ORIGIN);
        if (origin != null && !isAllowedOrigin(origin)) {
            JsonRpcErrors.send(exchange.response(), 403, null, ErrorCodes.FORBIDDEN,
                    "Origin not allowed: " + origin);
            return;
        }
        Principal principal = exchange.request().getUserPrincipal();
        exchange.principal(principal == null ? null : principal.getName());
        chain.proceed();
    }

    /** @return true for a well-formed version of the sessionless era */
    static boolean isSessionless(String version) {
        return DATE.matcher(version).matches() && version.compareTo(FIRST_SESSIONLESS_VERSION) >= 0;
    }

    private boolean isAllowedOrigin(String origin) {
        if (allowedOrigins.contains(origin) || allowedOrigins.contains("*")) {
            return true;
        }
        try {
            String host = URI.create(origin).getHost();
            if (host == null) {
                return false;
            }
            host = host.toLowerCase(Locale.ROOT);
            return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                    || host.equals("::1");
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
