package dev.mcpstate.store.internal;

import dev.mcpstate.store.RateLimitDecision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The arithmetic every backend shares (the Redis script repeats it): exact waits, capacity, clocks behind. */
class TokenBucketTest {

    private static final long T = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Test
    void theWaitIsTheFewestMillisAfterWhichATakeIsAllowedForManyRatesAndLevels() {
        double[] rates = {0.001, 0.3, 0.5, 1, 2, 3, 7, 10, 33.3, 100, 999, 1000, 1001, 123_456};
        for (double rate : rates) {
            for (int steps = 0; steps < 50; steps++) {
                // empty the bucket, let it refill part-way in `steps` millis, take again: some state below one token
                TokenBucket.Take empty = TokenBucket.take(null, 0, 1, rate, T);
                TokenBucket.Take partial = TokenBucket.take(empty.tokens(), empty.at(), 1, rate, T + steps);
                if (partial.decision().allowed()) {
                    continue;
                }
                long wait = partial.decision().untilNextToken().toMillis();
                TokenBucket.Take atWait = TokenBucket.take(partial.tokens(), partial.at(), 1, rate, T + steps + wait);
                TokenBucket.Take before = TokenBucket.take(partial.tokens(), partial.at(), 1, rate,
                        T + steps + wait - 1);

                assertThat(atWait.decision().allowed()).as("rate %s after %s ms + wait %s", rate, steps, wait)
                        .isTrue();
                assertThat(before.decision().allowed()).as("rate %s after %s ms + wait %s - 1", rate, steps, wait)
                        .isFalse();
            }
        }
    }

    @Test
    void aNewBucketStartsFullAndRefillNeverPassesCapacity() {
        TokenBucket.Take first = TokenBucket.take(null, 0, 4, 1, T);
        TokenBucket.Take later = TokenBucket.take(first.tokens(), first.at(), 4, 1, T + 86_400_000L);

        assertThat(first.decision()).isEqualTo(new RateLimitDecision(true, 3, java.time.Duration.ZERO));
        assertThat(later.tokens()).isEqualTo(3.0);
        assertThat(later.at()).isEqualTo(T + 86_400_000L);
    }

    @Test
    void aClockBehindTheBucketKeepsItsTime() {
        TokenBucket.Take first = TokenBucket.take(null, 0, 1, 1, T);
        TokenBucket.Take behind = TokenBucket.take(first.tokens(), first.at(), 1, 1, T - 10_000);

        assertThat(behind.at()).isEqualTo(T);
        assertThat(behind.decision().allowed()).isFalse();
        assertThat(behind.decision().untilNextToken().toMillis()).isEqualTo(1000);
    }

    @Test
    void theIdleExpiryIsTheTimeToRefillFromEmptyPlusTheMargin() {
        assertThat(TokenBucket.idleExpiryMillis(10, 2)).isEqualTo(5_000 + TokenBucket.EXPIRY_MARGIN.toMillis());
        assertThat(TokenBucket.idleExpiryMillis(Integer.MAX_VALUE, Double.MIN_VALUE)).isEqualTo(Long.MAX_VALUE / 2);
    }
}
