package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.internal.http.SanitizingResponse;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;

import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether the session filter handles a request, once the security edge, authentication and the body
 * checks have passed it.
 *
 * <ul>
 *   <li>A request of the era without sessions ({@value #FIRST_SESSIONLESS_VERSION} and later; spec 2026-07-28,
 *       "Versioning": the version travels in {@code MCP-Protocol-Version} and in the body's
 *       {@code _meta["io.modelcontextprotocol/protocolVersion"]}, which only that era's clients send; a header of
 *       that era, or such a {@code _meta} version, decides): handed to the
 *       servlet of that era when one is configured (the SDK's {@code HttpServletMcpTransport}), else to the servlet
 *       behind the filter, without persistence either way — but its error bodies are still sanitized
 *       ({@link SanitizingResponse}): the era switch skips storage, never security.</li>
 *   <li>Missing version: the filter assumes {@code 2025-03-26} (spec 2025-11-25, "Protocol Version Header").
 *       A version that is not a date, or a date the server does not support: {@code 400}.</li>
 *   <li>{@code Accept} (spec, "Sending Messages to the Server" and "Listening for Messages"): a POST must accept
 *       both {@code application/json} and {@code text/event-stream}, a GET {@code text/event-stream}; otherwise
 *       {@code 406} with {@link ErrorCodes#BAD_REQUEST}.</li>
 * </ul>
 */
public final class ProtocolGate implements Interceptor {

    /** The {@code _meta} key of a request's protocol version in the era without sessions. */
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";

    /** The first protocol version without sessions, the initialize handshake or resumability. */
    public static final String FIRST_SESSIONLESS_VERSION = "2026-07-28";
    /** Versions with sessions that the MCP Java SDK 2.0 serves. */
    public static final Set<String> SESSION_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18",
            "2025-11-25");

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";

    private final Servlet sessionless;

    /**
     * @param sessionless the servlet that serves the era without sessions (initialized by its owner), or null to
     *                    hand those requests to the servlet behind the filter
     */
    public ProtocolGate(Servlet sessionless) {
        this.sessionless = sessionless;
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        String version = exchange.request().getHeader(Headers.MCP_PROTOCOL_VERSION);
        if (version != null) {
            version = version.trim();
        }
        String declared = metaVersion(exchange);
        // only clients of the era without sessions put their version in _meta: with a servlet of that era it
        // answers any such version, an unsupported one with UnsupportedProtocolVersionError (-32022)
        if (isSessionless(version) || (declared != null && (sessionless != null || isSessionless(declared)))) {
            SanitizingResponse sanitizing = new SanitizingResponse(exchange.response(), exchange.messageId());
            exchange.response(sanitizing);
            if (sessionless == null) {
                chain.bypass();
            } else {
                sessionless.service(exchange.request(), sanitizing);
            }
            if (!exchange.request().isAsyncStarted()) {
                sanitizing.finish();
            }
            return;
        }
        if (version != null) {
            if (!SESSION_VERSIONS.contains(version)) {
                JsonRpcErrors.send(exchange.response(), 400, exchange.messageId(), ErrorCodes.BAD_REQUEST,
                        "Unsupported MCP-Protocol-Version: " + version + "; supported: "
                                + String.join(", ", SESSION_VERSIONS.stream().sorted().toList()));
                return;
            }
            exchange.protocolVersion(version);
        }
        String method = exchange.request().getMethod();
        String accept = exchange.request().getHeader("Accept");
        if ("POST".equals(method) && !accepts(accept, JSON, EVENT_STREAM)) {
            JsonRpcErrors.send(exchange.response(), 406, exchange.messageId(), ErrorCodes.BAD_REQUEST,
                    "Not acceptable: a POST must accept both application/json and text/event-stream");
            return;
        }
        if ("GET".equals(method) && !accepts(accept, EVENT_STREAM)) {
            JsonRpcErrors.send(exchange.response(), 406, null, ErrorCodes.BAD_REQUEST,
                    "Not acceptable: a GET must accept text/event-stream");
            return;
        }
        if (exchange.kind() == MessageKind.INITIALIZE && !exchange.message().path("params").isObject()) {
            JsonRpcErrors.send(exchange.response(), 400, exchange.messageId(), ErrorCodes.INVALID_PARAMS,
                    "Invalid params: initialize needs params with protocolVersion, capabilities and clientInfo");
            return;
        }
        chain.proceed();
    }

    private static boolean accepts(String accept, String... types) {
        if (accept == null) {
            return false;
        }
        for (String type : types) {
            if (!accept.contains(type)) {
                return false;
            }
        }
        return true;
    }

    /** @return true for a well-formed version of the sessionless era; false for null */
    static boolean isSessionless(String version) {
        return version != null && DATE.matcher(version).matches()
                && version.compareTo(FIRST_SESSIONLESS_VERSION) >= 0;
    }

    /** @return the version a POSTed message declares in {@code params._meta}, or null */
    private static String metaVersion(Exchange exchange) {
        if (exchange.message() == null) {
            return null;
        }
        JsonNode version = exchange.message().path("params").path("_meta").path(META_PROTOCOL_VERSION);
        return version.isTextual() ? version.asText().trim() : null;
    }
}
