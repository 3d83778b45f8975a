package dev.mcpstate.store.redis;

import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.internal.LedgerIds;
import io.lettuce.core.SetArgs;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * {@link RequestStateLedger} on Redis: a claim is one {@code SET <prefix>:requeststate:<id> 1 NX PX <ms>}, so one
 * round trip, atomic for every node sharing the Redis; the key expires when the state does ({@code PX} counts from
 * now by this store's clock, so nodes whose clocks differ a little keep the use a little longer or shorter).
 *
 * <p>The {@linkplain #sharedKey() shared key} is the string {@code <prefix>:requeststate-key}, without expiry, written
 * once by {@code SET NX GET}: the first node's key wins, every other node reads it in the same round trip.
 *
 * <p>Thread-safe: the backend's one multiplexed connection is shared by all callers.
 */
final class RedisRequestStateLedger implements RequestStateLedger {

    private final RedisDatabase db;
    private final Clock clock;

    RedisRequestStateLedger(RedisDatabase db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public boolean claim(String id, Instant expiresAt) {
        LedgerIds.check(id, expiresAt);
        long ttl = expiresAt.toEpochMilli() - clock.millis();
        if (ttl <= 0) {
            return false;
        }
        String reply = db.call("request state claim",
                () -> db.sync().set(db.keys().requestState(id), "1", SetArgs.Builder.nx().px(ttl)));
        return "OK".equals(reply);
    }

    @Override
    public String sharedKey() {
        String drawn = LedgerIds.newSharedKey();
        String kept = db.call("request state key",
                () -> db.sync().setGet(db.keys().requestStateKey(), drawn, SetArgs.Builder.nx()));
        return kept == null ? drawn : kept;
    }
}
