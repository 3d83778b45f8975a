package dev.mcpstate.interceptor;

import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.internal.Checks;
import dev.mcpstate.store.internal.Digests;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.modern.server.HmacRequestStateCodec;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.RequestStateCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code requestState} codec of a cluster (MCP spec 2026-07-28, "Multi Round-Trip Requests", server
 * requirements): the SDK's {@link HmacRequestStateCodec} — principal, method, primitive name and expiry inside the
 * HMAC-protected payload — with keys every node shares ({@link RequestStateKeys}), so state minted on one node opens
 * on any other, and a single-use ledger in the store ({@link RequestStateLedger}).
 *
 * <ul>
 *   <li><b>Rotation.</b> The current key seals; opening tries the current key, then the previous one.</li>
 *   <li><b>Single use.</b> State sealed from {@link #singleUse(String)} opens once: the first open claims a digest of
 *       the sealed text in the ledger (until the state's expiry), every later one, on any node, is refused. Other
 *       state may be presented again until it expires, as the spec allows.</li>
 *   <li><b>Refusal.</b> A state that is tampered with, expired, sealed for another principal, method or primitive, or
 *       already consumed opens as null; the SDK's server then answers JSON-RPC {@code -32602} "Invalid or expired
 *       requestState". A store fault while claiming refuses too (the state is not consumed and may be retried).</li>
 * </ul>
 *
 * <p>Thread-safe. Pass it to {@code McpServer.builder().requestStateCodec(...)} of the SDK's modern server.
 */
public final class ClusterRequestStateCodec implements RequestStateCodec {

    private static final Logger log = LoggerFactory.getLogger(ClusterRequestStateCodec.class);
    /** Prefix, inside the sealed payload, of state that opens once. */
    private static final String SINGLE_USE = "mcp-state/single-use:";

    private final HmacRequestStateCodec current;
    private final HmacRequestStateCodec previous;
    private final RequestStateLedger ledger;
    private final Duration ttl;
    private final Clock clock;

    private ClusterRequestStateCodec(Builder b) {
        this.ttl = b.ttl;
        this.clock = b.clock;
        this.ledger = b.ledger;
        byte[] key = b.keys == null ? null : b.keys.current();
        this.current = hmac(key, b);
        this.previous = b.keys == null ? null : b.keys.previous().map(k -> hmac(k, b)).orElse(null);
    }

    private static HmacRequestStateCodec hmac(byte[] key, Builder b) {
        return HmacRequestStateCodec.builder().key(key).ttl(b.ttl).clock(b.clock)
                .principalExtractor(b.principal).build();
    }

    /** @return a builder: no keys (a random one per process), {@link InterceptorConfig#DEFAULT_REQUEST_STATE_TTL} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Marks state to be sealed as single-use: return {@code singleUse(state)} as an {@code InputRequiredResult}'s
     * {@code requestState}; the handler's retry sees {@code state} itself.
     *
     * @param state the handler's state; not null
     * @return the state, marked
     */
    public static String singleUse(String state) {
        return SINGLE_USE + Objects.requireNonNull(state, "state must not be null");
    }

    @Override
    public String seal(McpRequestContext ctx, String state) {
        return current.seal(ctx, state);
    }

    @Override
    public String open(McpRequestContext ctx, String sealed) {
        String opened = current.open(ctx, sealed);
        if (opened == null && previous != null) {
            opened = previous.open(ctx, sealed);
        }
        if (opened == null || !opened.startsWith(SINGLE_USE)) {
            return opened;
        }
        if (ledger == null) {
            log.warn("single-use requestState refused: no ledger configured");
            return null;
        }
        try {
            // the ledger's id of the state: the SHA-256 of its sealed text
            return ledger.claim(Digests.sha256Hex(sealed), clock.instant().plus(ttl))
                    ? opened.substring(SINGLE_USE.length()) : null;
        } catch (StoreException e) {
            log.warn("single-use requestState refused: the ledger is unavailable: {}", e.toString());
            return null;
        }
    }

    /** Builds a {@link ClusterRequestStateCodec}; not thread-safe. */
    public static final class Builder {
        private RequestStateKeys keys;
        private Duration ttl = InterceptorConfig.DEFAULT_REQUEST_STATE_TTL;
        private Clock clock = Clock.systemUTC();
        private RequestStateLedger ledger;
        private Function<McpTransportContext, String> principal = context -> null;

        private Builder() {
        }

        /** @param keys the keys, the same on every node; null for a random key per process (one node only) */
        public Builder keys(RequestStateKeys keys) {
            this.keys = keys;
            return this;
        }

        /** @param ttl how long sealed state stays valid; positive */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.positive(ttl, "ttl");
            return this;
        }

        /** @param clock the clock of expiry; not null */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /** @param ledger where single-use state is consumed, shared by every node; null refuses single-use state */
        public Builder ledger(RequestStateLedger ledger) {
            this.ledger = ledger;
            return this;
        }

        /**
         * @param principal who calls, from the request's transport context (null for anonymous); state opens only
         *                  for the principal it was sealed for; not null
         */
        public Builder principal(Function<McpTransportContext, String> principal) {
            this.principal = Objects.requireNonNull(principal, "principal must not be null");
            return this;
        }

        /** @return the codec */
        public ClusterRequestStateCodec build() {
            return new ClusterRequestStateCodec(this);
        }
    }
}
