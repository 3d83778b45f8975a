package dev.mcpstate.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.mcpstate.lb.BackendPool.Admission;
import dev.mcpstate.lb.BackendPool.Choice;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.Test;

class BackendPoolTest {

    private static final URI A = URI.create("http://127.0.0.1:3001");
    private static final URI B = URI.create("http://127.0.0.1:3002");
    private static final URI C = URI.create("http://127.0.0.1:3003");
    private static final Duration BACKOFF = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock();
    private final BackendPool pool = new BackendPool(List.of(A, B, C), BACKOFF, MAX_BACKOFF, clock);

    @Test
    void handsOutBackendsInStrictRoundRobinOrderWhileAllAreUp() {
        assertThat(next(9)).containsExactly(A, B, C, A, B, C, A, B, C);
        assertThat(pool.statuses()).extracting(BackendPool.BackendStatus::attempts).containsExactly(3L, 3L, 3L);
    }

    @Test
    void aFailureBeforeTheResponseTakesTheBackendOutAndTheOthersShareItsTurns() {
        pool.failed(new Choice(B, Admission.IN_ROTATION), new ConnectException("Connection refused"));

        assertThat(pool.status(B).up()).isFalse();
        assertThat(pool.status(B).retryAt()).isEqualTo(clock.instant().plus(BACKOFF));
        assertThat(next(6)).containsExactly(A, C, A, C, A, C);
    }

    @Test
    void aDownBackendGetsOneProbeOnceItsBackoffHasPassed() {
        pool.failed(new Choice(B, Admission.IN_ROTATION), new ConnectException("Connection refused"));
        clock.advance(BACKOFF.minusMillis(1));
        assertThat(next(4)).doesNotContain(B);

        clock.advanceMillis(1);
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            choices.add(pool.choose(Set.of()));
        }

        assertThat(choices).filteredOn(choice -> choice.backend().equals(B))
                .containsExactly(new Choice(B, Admission.PROBE));
        assertThat(pool.status(B).up()).isFalse();
    }

    @Test
    void aProbeThatGetsAResponseBringsTheBackendBack() {
        pool.failed(new Choice(B, Admission.IN_ROTATION), new ConnectException("Connection refused"));
        clock.advance(BACKOFF);
        Choice probe = chooseUntil(B);

        pool.responded(probe);

        assertThat(pool.status(B)).satisfies(status -> {
            assertThat(status.up()).isTrue();
            assertThat(status.consecutiveFailures()).isZero();
            assertThat(status.retryAt()).isNull();
        });
        assertThat(next(3)).contains(A, B, C);
    }

    @Test
    void eachFailedProbeDoublesTheBackoffUpToTheMaximum() {
        pool.failed(new Choice(B, Admission.IN_ROTATION), new ConnectException("Connection refused"));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock.set(pool.status(B).retryAt());
            pool.failed(chooseUntil(B), new ConnectException("Connection refused"));
            waits.add(Duration.between(clock.instant(), pool.status(B).retryAt()).toSeconds());
        }

        assertThat(waits).containsExactly(4L, 8L, 10L, 10L, 10L);
        assertThat(pool.status(B).consecutiveFailures()).isEqualTo(6);
    }

    @Test
    void aProbeThatNeverReportsBackAllowsTheNextOneAfterAnotherBackoff() {
        pool.failed(new Choice(B, Admission.IN_ROTATION), new ConnectException("Connection refused"));
        clock.advance(BACKOFF);
        assertThat(chooseUntil(B).admission()).isEqualTo(Admission.PROBE);

        assertThat(next(6)).doesNotContain(B);
        clock.advance(BACKOFF);
        assertThat(chooseUntil(B).admission()).isEqualTo(Admission.PROBE);
    }

    @Test
    void concurrentFailuresOfRequestsSentBeforeTheBackendWentDownDoNotGrowTheBackoff() {
        Choice first = new Choice(B, Admission.IN_ROTATION);
        Choice second = new Choice(B, Admission.IN_ROTATION);

        pool.failed(first, new ConnectException("Connection refused"));
        clock.advanceMillis(500);
        pool.failed(second, new IOException("Connection reset"));

        assertThat(pool.status(B).consecutiveFailures()).isEqualTo(1);
        assertThat(pool.status(B).retryAt()).isEqualTo(clock.instant().minusMillis(500).plus(BACKOFF));
    }

    @Test
    void whenEveryBackendIsDownEachIsStillTriedOnceAsALastResort() {
        for (URI backend : List.of(A, B, C)) {
            pool.failed(new Choice(backend, Admission.IN_ROTATION), new ConnectException("Connection refused"));
        }

        List<URI> tried = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Choice choice = pool.choose(tried);
            assertThat(choice.admission()).isEqualTo(Admission.LAST_RESORT);
            tried.add(choice.backend());
        }

        assertThat(tried).containsExactlyInAnyOrder(A, B, C);
        assertThat(pool.hasUntried(tried)).isFalse();
        assertThat(pool.choose(tried)).isNull();
    }

    @Test
    void aRequestIsNeverHandedABackendItAlreadyTried() {
        List<URI> tried = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertThat(pool.hasUntried(tried)).isTrue();
            tried.add(pool.choose(tried).backend());
        }

        assertThat(tried).containsExactlyInAnyOrder(A, B, C);
        assertThat(pool.choose(tried)).isNull();
    }

    @Test
    void aBackendListedTwiceTakesTwoTurnsAndSharesOneHealth() {
        BackendPool weighted = new BackendPool(List.of(A, A, B), BACKOFF, MAX_BACKOFF, clock);
        List<URI> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(weighted.choose(List.of()).backend());
        }
        assertThat(order).containsExactly(A, A, B, A, A, B);

        weighted.failed(new Choice(A, Admission.IN_ROTATION), new ConnectException("Connection refused"));

        assertThat(weighted.statuses()).hasSize(2);
        assertThat(weighted.choose(List.of()).backend()).isEqualTo(B);
        assertThat(weighted.choose(List.of(B))).isEqualTo(new Choice(A, Admission.LAST_RESORT));
    }

    @Test
    void aFailedActiveCheckTakesTheBackendOutWithoutProbesUntilACheckPasses() {
        pool.checked(B, false, "status=503");

        assertThat(pool.status(B).ready()).isFalse();
        assertThat(pool.status(B).up()).isTrue();
        assertThat(pool.status(B).inRotation()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(next(6)).doesNotContain(B);

        pool.checked(B, true, "status=200");

        assertThat(pool.status(B).inRotation()).isTrue();
        assertThat(next(3)).contains(A, B, C);
    }

    @Test
    void aPassingActiveCheckEndsADownPeriodAtOnce() {
        pool.failed(new Choice(B, Admission.IN_ROTATION), new ConnectException("Connection refused"));

        pool.checked(B, true, "status=200");

        assertThat(pool.status(B)).satisfies(status -> {
            assertThat(status.up()).isTrue();
            assertThat(status.consecutiveFailures()).isZero();
            assertThat(status.retryAt()).isNull();
        });
        assertThat(next(3)).contains(A, B, C);
    }

    @Test
    void aBackendThatIsNotReadyIsStillTriedAsALastResort() {
        pool.checked(A, false, "status=503");
        pool.checked(B, false, "status=503");
        pool.failed(new Choice(C, Admission.IN_ROTATION), new ConnectException("Connection refused"));

        Choice choice = pool.choose(List.of(C));

        assertThat(choice.admission()).isEqualTo(Admission.LAST_RESORT);
        assertThat(choice.backend()).isIn(A, B);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BackendPool(List.of(), BACKOFF, MAX_BACKOFF, clock))
                .withMessage("backends must not be empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BackendPool(List.of(A), Duration.ZERO, MAX_BACKOFF, clock))
                .withMessage("downBackoff must be positive, got PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BackendPool(List.of(A), BACKOFF, Duration.ofSeconds(1), clock))
                .withMessage("maxDownBackoff PT1S must not be less than downBackoff PT2S");
        assertThatIllegalArgumentException().isThrownBy(() -> pool.status(URI.create("http://elsewhere:1")))
                .withMessage("not a backend of this pool: http://elsewhere:1");
    }

    @Test
    void describesAFailureOnOneShortLine() {
        assertThat(BackendPool.describe(new ConnectException("Connection refused")))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(BackendPool.describe(new IOException("x".repeat(500) + "\nmore")))
                .hasSize("IOException: ".length() + 123).endsWith("...");
        assertThat(BackendPool.describe(new IOException())).isEqualTo("IOException");
        assertThat(BackendPool.describe(new org.eclipse.jetty.io.EofException("HttpConnectionOverHTTP@1::dump")))
                .isEqualTo("EofException: connection closed by the backend");
    }

    private List<URI> next(int count) {
        List<URI> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(pool.choose(List.of()).backend());
        }
        return order;
    }

    /** Takes turns until {@code backend} comes up; a bounded loop: at most one round of the rotation. */
    private Choice chooseUntil(URI backend) {
        for (int i = 0; i < 3; i++) {
            Choice choice = pool.choose(List.of());
            if (choice.backend().equals(backend)) {
                return choice;
            }
        }
        throw new AssertionError(backend + " was not chosen in one round");
    }
}
