package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races on a real backend: 16 threads, started together by a barrier, spread over several store instances
 * (separate connections, as several processes would have).
 */
abstract class SidecarRaceContract {

    static final int THREADS = 16;
    static final int STORES = 4;
    static final int ROUNDS = 200;

    protected final MutableClock clock = new MutableClock();
    private final List<Storage> storages = new ArrayList<>();
    private final List<ToolHarness> tools = new ArrayList<>();
    private ExecutorService pool;

    /**
     * Opens one more storage instance on the shared, initially empty backend (its own connections where the
     * backend has any).
     */
    protected abstract Storage openStorage(Clock clock);

    @BeforeEach
    void openStores() {
        for (int i = 0; i < STORES; i++) {
            Storage storage = openStorage(clock);
            storages.add(storage);
            tools.add(ToolHarness.inProcess(storage.sidecar(), SidecarOptions.defaults()));
        }
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void closeStores() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        storages.forEach(Storage::close);
    }

    private ToolHarness tools(int thread) {
        return tools.get(thread % STORES);
    }

    @Test
    void sixteenConcurrentClaimsOfOneRunHaveExactlyOneWinnerEveryRound() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String run = tools(0).call("workflow_create", "name", "race-" + round).get("run_id").asText();
            List<Boolean> claimed = together(thread -> tools(thread)
                    .call("workflow_claim", "run_id", run, "agent_id", "agent-" + thread).get("claimed").asBoolean());
            assertThat(claimed).as("round %d", round).containsOnlyOnce(true);
            String winner = "agent-" + claimed.indexOf(true);
            assertThat(tools(1).call("workflow_status", "run_id", run).get("agent_id").asText()).isEqualTo(winner);
        }
    }

    @Test
    void sixteenConcurrentAcquisitionsGrantOneLeaseEachRoundWithRisingTokens() throws Exception {
        long lastToken = 0;
        for (int round = 0; round < ROUNDS / 4; round++) {
            List<JsonNode> results = together(thread -> tools(thread).call("lease_acquire", "resource_id", "printer",
                    "holder_id", "holder-" + thread, "ttl_seconds", 5));
            List<JsonNode> winners = results.stream().filter(r -> r.get("acquired").asBoolean()).toList();
            assertThat(winners).as("round %d", round).hasSize(1);
            long token = winners.get(0).get("fencing_token").asLong();
            assertThat(token).isGreaterThan(lastToken);
            lastToken = token;
            String holder = winners.get(0).get("holder").asText();
            assertThat(results).allSatisfy(r -> assertThat(r.get("holder").asText()).isEqualTo(holder));
            clock.advance(Duration.ofSeconds(5)); // the lease lapses: next round is a takeover
        }
    }

    @Test
    void competingHoldersNeverOverlapAndSeeStrictlyIncreasingTokens() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        together(thread -> {
            ToolHarness harness = tools(thread);
            String holder = "holder-" + thread;
            while (tokens.size() < ROUNDS) {
                JsonNode got = harness.call("lease_acquire", "resource_id", "db", "holder_id", holder, "ttl_seconds", 600);
                if (got.get("acquired").asBoolean()) {
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    tokens.add(got.get("fencing_token").asLong());
                    inside.decrementAndGet();
                    assertThat(harness.call("lease_release", "resource_id", "db", "holder_id", holder)
                            .get("released").asBoolean()).isTrue();
                }
            }
            return null;
        });
        assertThat(overlaps).hasValue(0);
        assertThat(tokens.size()).isGreaterThanOrEqualTo(ROUNDS);
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).as("token %d", i).isGreaterThan(tokens.get(i - 1));
        }
    }

    /** A task of one of the threads, given its index. */
    @FunctionalInterface
    interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    /** Runs the task on {@link #THREADS} threads released together; returns results by thread index. */
    private <T> List<T> together(ThreadTask<T> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int thread = i;
            Callable<T> call = () -> {
                start.await(10, TimeUnit.SECONDS);
                return task.run(thread);
            };
            futures.add(pool.submit(call));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

}
