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
 *   <li><b>Keys.</b> Configured ones ({@link Builder#keys}); else, with a ledger, the key the ledger's store keeps for
 *       every node ({@link RequestStateLedger#sharedKey()}), read on first use and then kept by this codec (a store
 *       fault then fails that seal or refuses that open, and the next use tries again); else a random key of this
 *       process, which no other node opens.</li>
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

    /** The sealing codec; null until the ledger's shared key is read, when no keys are configured. */
    private volatile HmacRequestStateCodec current;
    private final HmacRequestStateCodec previous;
    private final Function<byte[], HmacRequestStateCodec> codecOf;
    private final RequestStateLedger ledger;
    private final Duration ttl;
    private final Clock clock;

    private ClusterRequestStateCodec(Builder b) {
        this.ttl = b.ttl;
        this.clock = b.clock;
        this.ledger = b.ledger;
        Function<McpTransportContext, String> principal = b.principal;
        this.codecOf = key -> HmacRequestStateCodec.builder().key(key).ttl(ttl).clock(clock)
                .principalExtractor(principal).build();
        if (b.keys != null) {
            this.current = codecOf.apply(b.keys.current());
            this.previous = b.keys.previous().map(codecOf).orElse(null);
        } else {
            this.current = ledger == null ? codecOf.apply(null) : null; // a null key: the SDK draws a random one
            this.previous = null;
        }
    }

    /**
     * Reads the shared key on first use. Threads that race here build equal codecs: the key is the same on every
     * call ({@link RequestStateLedger#sharedKey()}), so no lock is needed.
     *
     * @throws StoreException when the shared key is still to be read and the store fails
     */
    private HmacRequestStateCodec current() {
        HmacRequestStateCodec codec = current;
        if (codec == null) {
            codec = codecOf.apply(RequestStateKeys.of(ledger.sharedKey()).current());
            current = codec;
        }
        return codec;
    }

    /**
     * @return a builder: no keys (the ledger's shared key; without a ledger a random one per process),
     *         {@link InterceptorConfig#DEFAULT_REQUEST_STATE_TTL}
     */
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
        return current().seal(ctx, state);
    }

    @Override
    public String open(McpRequestContext ctx, String sealed) {
        String opened;
        try {
            opened = current().open(ctx, sealed);
        } catch (StoreException e) {
            log.warn("requestState refused: the shared key cannot be read: {}", e.toString());
            return null;
        }
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

        /**
         * @param keys the keys, the same on every node; null for the {@linkplain RequestStateLedger#sharedKey() key
         *             the ledger's store shares} (a random key per process when there is no ledger: one node only)
         */
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
