package dev.mcpstate.store.internal;

import dev.mcpstate.store.RateLimitDecision;

import java.time.Duration;

/**
 * The token-bucket arithmetic of every {@link dev.mcpstate.store.RateLimitStore}: the in-memory and SQLite stores
 * call it, and the Redis script {@code ratelimit/take.lua} repeats it step for step (IEEE doubles in both), so
 * every backend decides alike. Stateless and thread-safe; the caller keeps the bucket's state atomically.
 */
public final class TokenBucket {

    /** Added to the refill time of an idle bucket before a backend may drop it (covers clocks that disagree). */
    public static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);

    /**
     * A bucket's state after a take, and the decision.
     *
     * @param tokens   tokens left, fractional; 0 to capacity
     * @param at       epoch millis up to which refill is counted in {@code tokens}
     * @param decision what the caller is told
     */
    public record Take(double tokens, long at, RateLimitDecision decision) {
    }

    private TokenBucket() {
    }

    /**
     * Checks the arguments of {@link dev.mcpstate.store.RateLimitStore#take}.
     *
     * @throws IllegalArgumentException naming the argument when one is out of range
     */
    public static void check(String key, int capacity, double refillPerSecond) {
        Checks.notBlank(key, "key");
        Checks.atLeast(capacity, 1, "capacity");
        if (!(refillPerSecond > 0) || Double.isInfinite(refillPerSecond)) {
            throw new IllegalArgumentException("refillPerSecond must be positive and finite, was: "
                    + refillPerSecond);
        }
    }

    /**
     * Takes one token.
     *
     * @param tokens          the stored tokens, or null for a bucket that does not exist (it starts full)
     * @param at              the stored time of {@code tokens} in epoch millis; ignored when {@code tokens} is null
     * @param capacity        at least 1
     * @param refillPerSecond positive
     * @param now             epoch millis of the store's clock
     * @return the state to store and the decision
     */
    public static Take take(Double tokens, long at, int capacity, double refillPerSecond, long now) {
        double level;
        long time;
        if (tokens == null) {
            level = capacity;
            time = now;
        } else {
            long elapsed = Math.max(0, now - at);
            level = Math.min(capacity, tokens + elapsed * refillPerSecond / 1000);
            time = Math.max(at, now);
        }
        boolean allowed = level >= 1;
        if (allowed) {
            level = level - 1;
        }
        long wait = 0;
        if (level < 1) {
            // the fewest whole millis after which the refill (the same expression as above) reaches one token;
            // ceil of the quotient can be off by one either way in doubles
            wait = (long) Math.ceil((1 - level) * 1000 / refillPerSecond);
            if (level + wait * refillPerSecond / 1000 < 1) {
                wait = wait + 1;
            } else if (wait > 1 && level + (wait - 1) * refillPerSecond / 1000 >= 1) {
                wait = wait - 1;
            }
        }
        return new Take(level, time, new RateLimitDecision(allowed, (int) Math.floor(level),
                Duration.ofMillis(wait)));
    }

    /**
     * @return milliseconds after its last take when a bucket is full again whatever it held, plus
     *         {@link #EXPIRY_MARGIN}: when a backend may drop it
     */
    public static long idleExpiryMillis(int capacity, double refillPerSecond) {
        double refill = Math.ceil(capacity * 1000.0 / refillPerSecond);
        long margin = EXPIRY_MARGIN.toMillis();
        return refill >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) refill + margin;
    }
}
