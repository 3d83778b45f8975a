package dev.mcpstate.interceptor.internal.observe;

import org.slf4j.MDC;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids ({@code X-Request-Id}) and the logging context ({@link MDC}) of a request while the filter runs on its
 * thread. A client's id is kept when it looks sane — 1 to {@value #MAX_LENGTH} characters of
 * {@code A-Za-z0-9._:-} — so that it correlates across proxies; anything else is replaced by a generated one: 32 hex
 * digits, random (not a secret: ids only correlate). Thread-safe.
 */
public final class RequestIds {

    /** MDC key of the request id. */
    public static final String MDC_REQUEST_ID = "request_id";
    /** MDC key of the {@code Mcp-Session-Id}, once known (the header, or the id initialize issued). */
    public static final String MDC_SESSION_ID = "mcp_session_id";
    /** Longest id accepted from a client. */
    public static final int MAX_LENGTH = 128;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** @return {@code given} when it looks sane, else a new id; never null */
    public static String acceptOrGenerate(String given) {
        return isSane(given) ? given : generate();
    }

    /** @return true for 1 to {@value #MAX_LENGTH} characters of {@code A-Za-z0-9._:-} */
    public static boolean isSane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** @return 32 random hex digits */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        long bits = random.nextLong();
        for (int i = 0; i < 16; i++) {
            id[i] = HEX[(int) (bits >>> (60 - 4 * i)) & 0xf];
        }
        bits = random.nextLong();
        for (int i = 0; i < 16; i++) {
            id[16 + i] = HEX[(int) (bits >>> (60 - 4 * i)) & 0xf];
        }
        return new String(id);
    }

    /** Puts a session id into the logging context of this thread, when it looks sane (it may come from a client). */
    public static void sessionInLogs(String sessionId) {
        if (isSane(sessionId)) {
            MDC.put(MDC_SESSION_ID, sessionId);
        }
    }
}
