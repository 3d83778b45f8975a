package dev.mcpstate.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RequestStateLedger} must do: the first claim of an id wins and every later one loses until the
 * id expires by the store's (injected) clock; expired ids are never claimed; of many concurrent claims exactly one
 * wins, over two instances of the backend too (two nodes, two processes on one file); the shared key is one for
 * every instance, however many ask first at once. Subclasses name the backend.
 */
public abstract class RequestStateLedgerContract extends StoreContractSupport {

    protected RequestStateLedger ledger;

    @BeforeEach
    void openLedger() {
        ledger = open(StorageConfig.DEFAULT_MAX_EVENTS_PER_STREAM).requestStates();
    }

    /**
     * @return another instance of the backend on the same state (another node on one Redis, another connection to
     *         one SQLite file); the in-memory backend, whose instances share nothing, returns {@link #ledger}
     */
    protected RequestStateLedger anotherInstance() {
        return open(100).requestStates();
    }

    private Instant in(Duration d) {
        return clock.instant().plus(d);
    }

    @Test
    void theFirstClaimWinsAndEveryLaterOneLoses() {
        Instant expiry = in(Duration.ofMinutes(10));

        assertThat(ledger.claim("a1", expiry)).isTrue();
        assertThat(ledger.claim("a1", expiry)).isFalse();
        assertThat(ledger.claim("a1", in(Duration.ofHours(1)))).as("a later expiry changes nothing").isFalse();
        assertThat(ledger.claim("b2", expiry)).as("another id is independent").isTrue();
    }

    @Test
    void theSharedKeyIsLongEnoughAndTheSameOnEveryCall() {
        String key = ledger.sharedKey();

        assertThat(key).hasSizeGreaterThanOrEqualTo(32);
        assertThat(ledger.sharedKey()).isEqualTo(key);
    }

    @Test
    void concurrentFirstCallsOnTwoInstancesOfTheBackendGetOneSharedKey() throws Exception {
        RequestStateLedger otherNode = anotherInstance();
        CyclicBarrier start = new CyclicBarrier(8);
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RequestStateLedger target = i % 2 == 0 ? ledger : otherNode;
            calls.add(() -> {
                start.await();
                return target.sharedKey();
            });
        }

        List<String> keys = runConcurrently(calls);

        assertThat(keys).hasSize(8).containsOnly(keys.get(0));
        assertThat(otherNode.sharedKey()).isEqualTo(ledger.sharedKey());
    }

    @Test
    void aClaimOnAnotherInstanceOfTheBackendSeesTheFirst() {
        RequestStateLedger otherNode = anotherInstance();
        Instant expiry = in(Duration.ofMinutes(10));

        assertThat(ledger.claim("shared", expiry)).isTrue();
        assertThat(otherNode.claim("shared", expiry)).isFalse();
    }

    @Test
    void anExpiredStateIsNeverClaimed() {
        assertThat(ledger.claim("late", clock.instant())).isFalse();
        assertThat(ledger.claim("late", in(Duration.ofMillis(-1)))).isFalse();
        assertThat(ledger.claim("late", in(Duration.ofMillis(1)))).as("nothing was recorded before").isTrue();
    }

    @Test
    void aUseIsRememberedUntilItsExpiryOnly() {
        assertThat(ledger.claim("x", in(Duration.ofSeconds(30)))).isTrue();
        clock.advance(Duration.ofSeconds(29));
        assertThat(ledger.claim("x", in(Duration.ofSeconds(30)))).isFalse();
    }

    @Test
    void ofManyConcurrentClaimsOnTwoInstancesExactlyOneWins() throws Exception {
        List<RequestStateLedger> ledgers = List.of(ledger, anotherInstance());
        int n = 16;
        CyclicBarrier start = new CyclicBarrier(n);
        List<Callable<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RequestStateLedger target = ledgers.get(i % 2);
            claims.add(() -> {
                start.await();
                return target.claim("hot", in(Duration.ofMinutes(1)));
            });
        }

        assertThat(runConcurrently(claims)).filteredOn(Boolean::booleanValue).hasSize(1);
    }

    @Test
    void blankOrOverlongIdsAreRefused() {
        Instant expiry = in(Duration.ofMinutes(1));
        assertThatThrownBy(() -> ledger.claim(" ", expiry)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.claim("x".repeat(RequestStateLedger.MAX_ID_LENGTH + 1), expiry))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger.claim("x".repeat(RequestStateLedger.MAX_ID_LENGTH), expiry)).isTrue();
    }
}
