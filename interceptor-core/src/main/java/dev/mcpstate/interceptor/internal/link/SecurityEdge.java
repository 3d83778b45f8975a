package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import jakarta.servlet.ServletException;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * DNS rebinding protection for every request, of every protocol era (MCP spec 2025-11-25, "Security Warning":
 * servers MUST validate {@code Origin}; the {@code Host} check is the same defence for clients that send no
 * {@code Origin}).
 *
 * <ul>
 *   <li>{@code Host}: a loopback name ({@code localhost}, {@code *.localhost}), an IP literal (a rebinding attack
 *       always uses a name), or a name in {@code allowedHosts}; otherwise {@code 403}.</li>
 *   <li>{@code Origin}, when sent: a loopback origin or one in {@code allowedOrigins}; otherwise {@code 403}.</li>
 * </ul>
 * {@code *} in either set turns that check off.
 */
public final class SecurityEdge implements Interceptor {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> allowedOrigins;
    private final Set<String> allowedHosts;

    /**
     * @param allowedOrigins origins allowed besides loopback ones, e.g. {@code https://app.example.com}; not null
     * @param allowedHosts   host names (lower case), or {@code name:port}, allowed besides loopback ones; not null
     */
    public SecurityEdge(Set<String> allowedOrigins, Set<String> allowedHosts) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.allowedHosts = Set.copyOf(allowedHosts);
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        String host = exchange.request().getServerName();
        if (!isAllowedHost(host, exchange.request().getServerPort())) {
            JsonRpcErrors.send(exchange.response(), 403, null, ErrorCodes.FORBIDDEN,
                    "Host not allowed: " + printable(host));
            return;
        }
        String origin = exchange.request().getHeader(Headers.ORIGIN);
        if (origin != null && !isAllowedOrigin(origin)) {
            JsonRpcErrors.send(exchange.response(), 403, null, ErrorCodes.FORBIDDEN,
                    "Origin not allowed: " + printable(origin));
            return;
        }
        chain.proceed();
    }

    private boolean isAllowedHost(String host, int port) {
        if (allowedHosts.contains("*")) {
            return true;
        }
        if (host == null || host.isEmpty()) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        return isLoopbackName(name) || isIpLiteral(name) || allowedHosts.contains(name)
                || allowedHosts.contains(name + ":" + port);
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
            return isLoopbackName(host) || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static boolean isLoopbackName(String name) {
        return name.equals("localhost") || name.endsWith(".localhost");
    }

    private static boolean isIpLiteral(String name) {
        return IPV4.matcher(name).matches() || name.startsWith("[") || name.contains(":");
    }

    /** @return the value cut to 100 characters, without control characters, for an error message */
    private static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
