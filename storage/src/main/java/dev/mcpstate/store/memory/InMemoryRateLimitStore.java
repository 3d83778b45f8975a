package dev.mcpstate.store.memory;

import dev.mcpstate.store.RateLimitDecision;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.internal.TokenBucket;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link RateLimitStore} in this process's memory: one map entry per bucket, updated atomically per key
 * ({@link ConcurrentHashMap#compute}). Buckets idle past {@link TokenBucket#idleExpiryMillis} count as absent (full)
 * and are removed by a sweep that a take runs at most once per {@link TokenBucket#EXPIRY_MARGIN} of the clock.
 * Thread-safe; never throws {@link dev.mcpstate.store.StoreException}.
 */
final class InMemoryRateLimitStore implements RateLimitStore {

    /** A bucket: tokens counted up to {@code at}, dropped at {@code expiresAt} (epoch millis). */
    private record Bucket(double tokens, long at, long expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);

    InMemoryRateLimitStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public RateLimitDecision take(String key, int capacity, double refillPerSecond) {
        TokenBucket.check(key, capacity, refillPerSecond);
        long now = clock.millis();
        sweep(now);
        long expiry = TokenBucket.idleExpiryMillis(capacity, refillPerSecond);
        RateLimitDecision[] decision = new RateLimitDecision[1];
        buckets.compute(key, (k, bucket) -> {
            boolean live = bucket != null && bucket.expiresAt() > now;
            TokenBucket.Take take = TokenBucket.take(live ? bucket.tokens() : null, live ? bucket.at() : 0,
                    capacity, refillPerSecond, now);
            decision[0] = take.decision();
            return new Bucket(take.tokens(), take.at(), now + expiry);
        });
        return decision[0];
    }

    private void sweep(long now) {
        long due = nextSweep.get();
        if (now >= due && nextSweep.compareAndSet(due, now + TokenBucket.EXPIRY_MARGIN.toMillis())) {
            buckets.values().removeIf(bucket -> bucket.expiresAt() <= now);
        }
    }

    /** @return how many buckets are kept, expired ones not yet swept included; for tests */
    int size() {
        return buckets.size();
    }
}
