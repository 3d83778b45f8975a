package dev.mcpstate.store.redis;

import dev.mcpstate.store.RateLimitDecision;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.internal.TokenBucket;
import io.lettuce.core.ScriptOutputType;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static dev.mcpstate.store.redis.RedisReplies.asLong;

/**
 * {@link RateLimitStore} on Redis: each bucket is one hash {@link RedisKeys#rateLimit} ({@code tokens}, {@code at}),
 * and each take is one script ({@code ratelimit/take.lua}), so one round trip, atomic for every node sharing the
 * Redis, in one hash slot. The script sets the key's expiry ({@link TokenBucket#idleExpiryMillis}, real time), so
 * idle buckets vanish by themselves; refill is computed from the time this store's clock passes in.
 *
 * <p>Thread-safe: the backend's one multiplexed connection is shared by all callers.
 */
final class RedisRateLimitStore implements RateLimitStore {

    private static final LuaScript TAKE = LuaScript.load(ScriptOutputType.MULTI, "ratelimit/take.lua");

    private final RedisDatabase db;
    private final Clock clock;

    RedisRateLimitStore(RedisDatabase db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public RateLimitDecision take(String key, int capacity, double refillPerSecond) {
        TokenBucket.check(key, capacity, refillPerSecond);
        List<Object> reply = db.run("rate limit take", TAKE, new String[] {db.keys().rateLimit(key)},
                Integer.toString(capacity), Double.toString(refillPerSecond), Long.toString(clock.millis()),
                Long.toString(TokenBucket.idleExpiryMillis(capacity, refillPerSecond)));
        if (reply == null || reply.size() != 3) {
            throw new StoreException("Redis rate limit take returned an unexpected reply: " + reply);
        }
        return new RateLimitDecision(asLong(reply.get(0)) == 1, Math.toIntExact(asLong(reply.get(1))),
                Duration.ofMillis(asLong(reply.get(2))));
    }
}
