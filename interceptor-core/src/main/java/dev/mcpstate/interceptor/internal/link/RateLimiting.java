package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.store.RateLimitDecision;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.internal.Checks;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.Principal;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits the requests of each caller, summed over every node sharing the store: each request takes one token
 * from the caller's token bucket in the store ({@link RateLimitStore}, one atomic step; capacity {@code burst},
 * refilled at {@code requestsPerSecond} by the store's clock).
 *
 * <ul>
 *   <li>The caller is the authenticated principal, key {@code principal:<getUserPrincipal().getName()>}, or,
 *       without one, the client address, key {@code addr:<getRemoteAddr()>}.</li>
 *   <li>Every response this link lets through or refuses carries {@code RateLimit-Limit} (the burst) and
 *       {@code RateLimit-Remaining} (draft-ietf-httpapi-ratelimit-headers-06).</li>
 *   <li>Over the limit: {@code 429} with {@code Retry-After} (whole seconds until the next token, at least 1) and
 *       JSON-RPC error {@link ErrorCodes#RATE_LIMITED}; the request goes no further.</li>
 *   <li>A store fault propagates ({@link dev.mcpstate.store.StoreException}: the filter answers 503): without the
 *       store no limit can be kept.</li>
 * </ul>
 *
 * <p>It applies to every request, whatever its method or protocol era, so it runs before {@link ProtocolGate}
 * hands the sessionless era to the servlet. Only in the chain when configured. Thread-safe.
 */
public final class RateLimiting implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(RateLimiting.class);

    private final RateLimitStore buckets;
    private final int requestsPerSecond;
    private final int burst;
    private final String limit;

    /**
     * @param buckets           where the callers' buckets are kept; not null
     * @param requestsPerSecond refill rate of each caller's bucket; positive
     * @param burst             capacity of each caller's bucket; positive
     */
    public RateLimiting(RateLimitStore buckets, int requestsPerSecond, int burst) {
        this.buckets = Objects.requireNonNull(buckets, "buckets must not be null");
        this.requestsPerSecond = Checks.positive(requestsPerSecond, "requestsPerSecond");
        this.burst = Checks.positive(burst, "burst");
        this.limit = Integer.toString(burst);
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        HttpServletResponse response = exchange.response();
        String caller = callerKey(exchange.request());
        RateLimitDecision decision = buckets.take(caller, burst, requestsPerSecond);
        response.setHeader(Headers.RATE_LIMIT_LIMIT, limit);
        response.setHeader(Headers.RATE_LIMIT_REMAINING, Integer.toString(decision.remaining()));
        if (decision.allowed()) {
            chain.proceed();
            return;
        }
        long seconds = retryAfterSeconds(decision.untilNextToken());
        log.debug("rate limited: caller={} method={} retryAfter={}s", caller, exchange.request().getMethod(),
                seconds);
        response.setHeader(Headers.RETRY_AFTER, Long.toString(seconds));
        JsonRpcErrors.send(response, 429, null, ErrorCodes.RATE_LIMITED, "Rate limit exceeded: "
                + requestsPerSecond + " requests per second, " + burst + " at once; retry in " + seconds + " s");
    }

    /**
     * @return the caller's bucket: {@code principal:<name>} for an authenticated principal with a non-empty name,
     *         else {@code addr:<remote address>} ({@code addr:unknown} when the container has none)
     */
    static String callerKey(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        String name = principal == null ? null : principal.getName();
        if (name != null && !name.isEmpty()) {
            return "principal:" + name;
        }
        String address = request.getRemoteAddr();
        return "addr:" + (address == null || address.isBlank() ? "unknown" : address);
    }

    /** @return {@code untilNextToken} in whole seconds, rounded up, at least 1 */
    static long retryAfterSeconds(Duration untilNextToken) {
        long millis = untilNextToken.toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
