package dev.mcpstate.store.redis;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Redis backend when Redis goes away: killed (connections closed, new ones refused) or hung (connections open,
 * no answers). Commands fail fast with {@link StoreException}, the breaker then fails everything without touching
 * Redis, and once Redis is back on the same port the same open backend and cluster bus work again.
 */
class RedisOutageIT {

    private static final Logger log = LoggerFactory.getLogger(RedisOutageIT.class);
    /** The bound for a request during an outage; every fault here must surface well within it. */
    private static final Duration FAIL_WITHIN = Duration.ofSeconds(3);
    private static final Duration RECOVER_WITHIN = Duration.ofSeconds(15);

    private final MutableClock clock = new MutableClock();
    private RedisProcess redis;
    private Storage storage;

    @BeforeEach
    void start() {
        redis = RedisProcess.launch();
    }

    @AfterEach
    void stop() {
        if (storage != null) {
            storage.close();
        }
        redis.close();
    }

    private Storage open(Duration commandTimeout) {
        return Storage.open(StorageConfig.redis(redis.url()).toBuilder().commandTimeout(commandTimeout).build(),
                clock);
    }

    @Test
    void whileRedisIsKilledCallsFailAtOnceAndTheSameBackendServesAgainWhenItIsBack() {
        storage = open(StorageConfig.DEFAULT_COMMAND_TIMEOUT);
        storage.sessions().save(session("s1"));
        storage.events().append("s1", "r1", Direction.CLIENT_TO_SERVER, "{}");
        assertThat(storage.available()).isTrue();
        storage.check();

        redis.kill();
        for (int i = 0; i < 6; i++) {
            Duration took = failureTime(() -> storage.sessions().find("s1"));
            log.info("find while Redis is down failed after {} ms", took.toMillis());
            assertThat(took).isLessThan(FAIL_WITHIN);
        }
        Duration appendTook = failureTime(() -> storage.events().appendAsync("s1", "r1", Direction.SERVER_TO_CLIENT,
                "{}").join());
        log.info("append while Redis is down failed after {} ms", appendTook.toMillis());
        assertThat(appendTook).isLessThan(FAIL_WITHIN);
        // the breaker is open: no I/O, every call fails at once, and readiness says so
        assertThat(storage.available()).isFalse();
        assertThatThrownBy(storage::check).isInstanceOf(StoreException.class).hasMessageContaining("unavailable");

        redis.start(); // same port, empty: no persistence
        Instant back = Instant.now();
        await().atMost(RECOVER_WITHIN).ignoreExceptions().untilAsserted(() -> {
            storage.sessions().save(session("s2"));
            assertThat(storage.sessions().find("s2")).isPresent();
        });
        log.info("Redis calls succeeded again {} ms after it was back",
                Duration.between(back, Instant.now()).toMillis());
        storage.events().appendAsync("s2", "r1", Direction.SERVER_TO_CLIENT, "{}").join();
        assertThat(storage.available()).isTrue();
        storage.check();
    }

    @Test
    void aHungRedisFailsEachCommandAfterTheCommandTimeoutScriptsIncluded() {
        Duration timeout = Duration.ofMillis(500);
        storage = open(timeout);
        storage.sessions().save(session("s1"));

        redis.pause();
        Duration readTook = failureTime(() -> storage.sessions().find("s1"));
        Duration scriptTook = failureTime(() -> storage.events().append("s1", "r1", Direction.SERVER_TO_CLIENT,
                "{}"));
        Duration pipelinedTook = failureTime(() -> storage.events().appendAsync("s1", "r1",
                Direction.SERVER_TO_CLIENT, "{}").join());
        log.info("hung Redis, timeout {} ms: read failed after {} ms, script after {} ms, pipelined script after "
                + "{} ms", timeout.toMillis(), readTook.toMillis(), scriptTook.toMillis(), pipelinedTook.toMillis());
        assertThat(List.of(readTook, scriptTook, pipelinedTook)).allSatisfy(took ->
                assertThat(took).isLessThan(FAIL_WITHIN));

        redis.resume();
        await().atMost(RECOVER_WITHIN).ignoreExceptions().untilAsserted(() ->
                assertThat(storage.sessions().find("s1")).isPresent());
        storage.events().append("s1", "r1", Direction.SERVER_TO_CLIENT, "{}");
    }

    @Test
    void theClusterBusSubscribesAgainWhenRedisIsBack() {
        storage = open(StorageConfig.DEFAULT_COMMAND_TIMEOUT);
        try (Storage other = open(StorageConfig.DEFAULT_COMMAND_TIMEOUT);
                ClusterBus busA = storage.openBus("a#1", Duration.ofMillis(200), Duration.ofSeconds(5));
                ClusterBus busB = other.openBus("b#1", Duration.ofMillis(200), Duration.ofSeconds(5))) {
            List<String> responses = new CopyOnWriteArrayList<>();
            List<String> ended = new CopyOnWriteArrayList<>();
            List<String> woken = new CopyOnWriteArrayList<>();
            busB.onResponse((session, response) -> responses.add(response));
            busB.onSessionEnded(ended::add);
            busB.onAppend((session, stream) -> woken.add(session));
            busB.watch("before");
            await().atMost(RECOVER_WITHIN).untilAsserted(() -> {
                storage.events().append("before", "r", Direction.SERVER_TO_CLIENT, "{}");
                assertThat(woken).contains("before");
            });

            redis.kill();
            busB.watch("during"); // its subscribe is rejected: Redis is away
            redis.start();

            await().atMost(RECOVER_WITHIN).ignoreExceptions().untilAsserted(() -> {
                assertThat(busA.sendResponse("b#1", "s", "{\"n\":1}")).isTrue();
                assertThat(responses).contains("{\"n\":1}");
            });
            await().atMost(RECOVER_WITHIN).ignoreExceptions().untilAsserted(() -> {
                busA.publishSessionEnded("gone");
                assertThat(ended).contains("gone");
            });
            woken.clear();
            await().atMost(RECOVER_WITHIN).ignoreExceptions().untilAsserted(() -> {
                storage.events().append("before", "r", Direction.SERVER_TO_CLIENT, "{}");
                storage.events().append("during", "r", Direction.SERVER_TO_CLIENT, "{}");
                assertThat(woken).contains("before", "during");
            });
            await().atMost(RECOVER_WITHIN).ignoreExceptions().until(() -> busA.isAlive("b#1"));
        }
    }

    private SessionRecord session(String id) {
        Instant now = clock.instant();
        return new SessionRecord(id, SessionStatus.ACTIVE, "2025-11-25", "{}", "{}", "{}", null, "n", now, now,
                null);
    }

    /** @return how long {@code call} took to fail with {@link StoreException} (it must fail) */
    private static Duration failureTime(Runnable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call::run).satisfies(e -> assertThat(e instanceof CompletionException
                ? e.getCause() : e).isInstanceOf(StoreException.class));
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
