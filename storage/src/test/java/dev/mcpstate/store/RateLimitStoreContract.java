package dev.mcpstate.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RateLimitStore} must do: token buckets that start full, refill over the store's (injected)
 * clock up to their capacity, keep separate keys apart, and allow exactly {@code capacity} of many concurrent takes.
 * Subclasses name the backend.
 */
public abstract class RateLimitStoreContract extends StoreContractSupport {

    protected RateLimitStore limits;

    @BeforeEach
    void openRateLimits() {
        limits = open(StorageConfig.DEFAULT_MAX_EVENTS_PER_STREAM).rateLimits();
    }

    /** @return the decisions of {@code n} takes from one bucket, in turn */
    protected List<RateLimitDecision> takes(RateLimitStore store, String key, int n, int capacity, double rate) {
        List<RateLimitDecision> decisions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            decisions.add(store.take(key, capacity, rate));
        }
        return decisions;
    }

    @Test
    void aNewBucketIsFullAndAllowsCapacityTakesThenDenies() {
        List<RateLimitDecision> decisions = takes(limits, "principal:alice", 4, 3, 1);

        assertThat(decisions).containsExactly(
                new RateLimitDecision(true, 2, Duration.ZERO),
                new RateLimitDecision(true, 1, Duration.ZERO),
                new RateLimitDecision(true, 0, Duration.ofSeconds(1)),
                new RateLimitDecision(false, 0, Duration.ofSeconds(1)));
    }

    @Test
    void tokensFlowBackAtTheRateOfTheInjectedClock() {
        takes(limits, "k", 2, 2, 2); // empty; 2 tokens per second: one every 500 ms
        clock.advanceMillis(499);

        RateLimitDecision early = limits.take("k", 2, 2);
        clock.advanceMillis(1);
        RateLimitDecision onTime = limits.take("k", 2, 2);

        assertThat(early).isEqualTo(new RateLimitDecision(false, 0, Duration.ofMillis(1)));
        assertThat(onTime).isEqualTo(new RateLimitDecision(true, 0, Duration.ofMillis(500)));
    }

    @Test
    void waitingUntilNextTokenIsEnoughForAnyRate() {
        double rate = 3; // 333.33.. ms per token: the wait rounds up
        takes(limits, "k", 1, 1, rate);
        RateLimitDecision denied = limits.take("k", 1, rate);
        clock.advance(denied.untilNextToken());

        assertThat(denied.allowed()).isFalse();
        assertThat(denied.untilNextToken()).isEqualTo(Duration.ofMillis(334));
        assertThat(limits.take("k", 1, rate).allowed()).isTrue();
    }

    @Test
    void aFractionalRateRefillsSlowerThanOnePerSecond() {
        RateLimitDecision only = limits.take("k", 1, 0.5);
        clock.advanceMillis(1999);
        RateLimitDecision early = limits.take("k", 1, 0.5);
        clock.advanceMillis(1);

        assertThat(only).isEqualTo(new RateLimitDecision(true, 0, Duration.ofSeconds(2)));
        assertThat(early).isEqualTo(new RateLimitDecision(false, 0, Duration.ofMillis(1)));
        assertThat(limits.take("k", 1, 0.5).allowed()).isTrue();
    }

    @Test
    void refillStopsAtCapacity() {
        takes(limits, "k", 3, 3, 1);
        clock.advance(Duration.ofHours(1)); // 3600 tokens' worth of time

        List<RateLimitDecision> decisions = takes(limits, "k", 4, 3, 1);

        assertThat(decisions).extracting(RateLimitDecision::allowed).containsExactly(true, true, true, false);
        assertThat(decisions.get(0).remaining()).isEqualTo(2);
    }

    @Test
    void aBucketIdleLongEnoughToVanishIsFullAgain() {
        takes(limits, "k", 5, 5, 1);
        clock.advance(Duration.ofDays(2)); // past any expiry of the bucket

        assertThat(limits.take("k", 5, 1)).isEqualTo(new RateLimitDecision(true, 4, Duration.ZERO));
    }

    @Test
    void separateKeysHaveSeparateBuckets() {
        takes(limits, "principal:alice", 2, 2, 1);

        assertThat(limits.take("principal:alice", 2, 1).allowed()).isFalse();
        assertThat(limits.take("principal:bob", 2, 1)).isEqualTo(new RateLimitDecision(true, 1, Duration.ZERO));
        assertThat(limits.take("addr:127.0.0.1", 2, 1)).isEqualTo(new RateLimitDecision(true, 1, Duration.ZERO));
    }

    @Test
    void keysMayHoldAnyCharacters() {
        String odd = "principal:{alice}:* ü \"quoted\" 'x'";

        assertThat(takes(limits, odd, 2, 1, 1)).extracting(RateLimitDecision::allowed).containsExactly(true, false);
        assertThat(limits.take("principal:{alice}", 1, 1).allowed()).isTrue();
    }

    @Test
    void aSmallerCapacityCapsWhatTheBucketHolds() {
        takes(limits, "k", 1, 10, 1); // 9 left

        RateLimitDecision smaller = limits.take("k", 3, 1);

        assertThat(smaller).isEqualTo(new RateLimitDecision(true, 2, Duration.ZERO));
    }

    @Test
    void aTakeStampedBeforeTheLastOneRefillsNothing() {
        takes(limits, "k", 2, 2, 1);
        clock.advanceMillis(-5_000); // another node whose clock is behind

        RateLimitDecision behind = limits.take("k", 2, 1);
        clock.advanceMillis(5_000 + 1_000);

        assertThat(behind.allowed()).isFalse();
        assertThat(limits.take("k", 2, 1).allowed()).as("one second after the last take").isTrue();
    }

    @Test
    void concurrentTakesFromOneBucketAllowExactlyItsCapacity() throws Exception {
        assertThat(allowedOf(concurrentTakes(List.of(limits), "hot", 32, 10))).isEqualTo(10);
    }

    /** Takes once per task from one bucket, all tasks released at once, spread over the given stores. */
    protected static List<RateLimitDecision> concurrentTakes(List<RateLimitStore> stores, String key, int n,
            int capacity) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        List<Callable<RateLimitDecision>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RateLimitStore store = stores.get(i % stores.size());
            tasks.add(() -> {
                start.await();
                return store.take(key, capacity, 1);
            });
        }
        return runConcurrently(tasks);
    }

    protected static long allowedOf(List<RateLimitDecision> decisions) {
        return decisions.stream().filter(RateLimitDecision::allowed).count();
    }

    @Test
    void argumentsOutOfRangeAreRejectedNamingTheArgument() {
        assertThatThrownBy(() -> limits.take(" ", 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> limits.take(null, 1, 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> limits.take("k", 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        for (double rate : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> limits.take("k", 1, rate)).as("rate %s", rate)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refillPerSecond");
        }
    }
}
