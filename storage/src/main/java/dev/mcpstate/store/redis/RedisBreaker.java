package dev.mcpstate.store.redis;

import dev.mcpstate.store.StoreException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The circuit breaker (resilience4j) in front of one Redis: every operation of a {@link RedisDatabase} — a
 * synchronous call, a pipelined command or a script — asks it first, and reports how it ended.
 *
 * <ul>
 *   <li><b>Closed</b> (normal): everything runs. Of the last {@value #WINDOW} operations, once at least
 *       {@value #MINIMUM_CALLS} ended and {@value #FAILURE_RATE_PERCENT} % or more of them met an outage — a
 *       timeout, a refused or lost connection, a command rejected while disconnected — it opens.</li>
 *   <li><b>Open</b>: every operation fails at once with {@link StoreException}, without touching Redis, for
 *       {@link #OPEN_FOR}.</li>
 *   <li><b>Half-open</b>: the next {@value #PROBES} operations run as probes; if they succeed it closes, else it
 *       opens again. Probes are ordinary traffic: requests, or the cluster bus's heartbeat (every second), so a node
 *       recovers by itself.</li>
 * </ul>
 * Answers Redis gives (an error reply, a script error) prove Redis is there: they count as successes. An operation
 * that runs inside another one on the same thread (a script inside a call) is the outer one's business: only the
 * outermost is counted. Thread-safe.
 */
final class RedisBreaker {

    /** Operations whose outcomes decide, the latest ones. */
    static final int WINDOW = 10;
    /** Outcomes needed before the breaker may open. */
    static final int MINIMUM_CALLS = 4;
    /** Share of outages, in percent, that opens the breaker. */
    static final int FAILURE_RATE_PERCENT = 50;
    /** How long an open breaker fails everything before it lets probes through: 1 second. */
    static final Duration OPEN_FOR = Duration.ofSeconds(1);
    /** Probes of a half-open breaker. */
    static final int PROBES = 2;

    private static final Logger log = LoggerFactory.getLogger(RedisBreaker.class);

    private final CircuitBreaker breaker;
    private final String description;
    /** Depth of guarded calls on this thread: nested ones pass unguarded. */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    /** @param description where Redis is, password redacted, for messages and logs; not null */
    RedisBreaker(String description) {
        this.description = description;
        this.breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(WINDOW)
                .minimumNumberOfCalls(MINIMUM_CALLS)
                .failureRateThreshold(FAILURE_RATE_PERCENT)
                .waitDurationInOpenState(OPEN_FOR)
                .permittedNumberOfCallsInHalfOpenState(PROBES)
                .recordException(RedisBreaker::isOutage)
                .ignoreException(RedisBreaker::isIgnored)
                .writableStackTraceEnabled(false)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN -> log.warn("Redis unavailable, failing fast for {} ms: url={}", OPEN_FOR.toMillis(),
                        description);
                case HALF_OPEN -> log.info("Redis probing: url={}", description);
                case CLOSED -> log.info("Redis available again: url={}", description);
                default -> log.info("Redis breaker {}: url={}", event.getStateTransition(), description);
            }
        });
    }

    /**
     * Runs synchronous work through the breaker.
     *
     * @param what names the operation in the {@link StoreException} message
     * @throws StoreException when the breaker is open, or when the work throws a {@link RedisException}
     */
    <T> T call(String what, Supplier<T> work) {
        int[] nested = depth.get();
        if (nested[0] > 0) {
            return translated(what, work);
        }
        if (!breaker.tryAcquirePermission()) {
            throw unavailable(what);
        }
        long start = breaker.getCurrentTimestamp();
        nested[0]++;
        try {
            T result = work.get();
            breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
            return result;
        } catch (RedisException e) {
            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
            throw translate(what, e);
        } catch (RuntimeException | Error e) {
            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
            throw e;
        } finally {
            nested[0]--;
        }
    }

    /**
     * Sends asynchronous work through the breaker; its outcome is reported when its future completes.
     *
     * @param what names the operation in the {@link StoreException} message
     * @return the work's future; failed at once with {@link StoreException} when the breaker is open
     */
    <T> CompletableFuture<T> callAsync(String what, Supplier<? extends CompletionStage<T>> work) {
        if (depth.get()[0] > 0) {
            return sent(work);
        }
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(unavailable(what));
        }
        long start = breaker.getCurrentTimestamp();
        CompletableFuture<T> sent = sent(work);
        sent.whenComplete((result, error) -> {
            long took = breaker.getCurrentTimestamp() - start;
            if (error == null) {
                breaker.onSuccess(took, breaker.getTimestampUnit());
            } else {
                breaker.onError(took, breaker.getTimestampUnit(), error);
            }
        });
        return sent;
    }

    /**
     * @return false while the breaker is open: operations fail at once. Does no I/O; an open breaker whose wait is
     *         over turns half-open here, so this is true again once probes may run
     */
    boolean available() {
        if (breaker.tryAcquirePermission()) {
            breaker.releasePermission();
            return true;
        }
        return false;
    }

    private static <T> CompletableFuture<T> sent(Supplier<? extends CompletionStage<T>> work) {
        try {
            return work.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> T translated(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (RedisException e) {
            throw translate(what, e);
        }
    }

    private static StoreException translate(String what, RedisException e) {
        return new StoreException("Redis " + what + " failed: " + e.getMessage(), e);
    }

    private StoreException unavailable(String what) {
        return new StoreException("Redis " + what + " failed: Redis at " + description + " is unavailable; "
                + "failing fast until a probe succeeds",
                CallNotPermittedException.createCallNotPermittedException(breaker));
    }

    /**
     * @return true when a failure shows that Redis cannot be reached or does not answer in time (anywhere in its
     *         causes); false for answers Redis gave
     */
    static boolean isOutage(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof RedisCommandExecutionException || e instanceof RedisCommandInterruptedException) {
                return false;
            }
            if (e instanceof RedisConnectionException || e instanceof RedisCommandTimeoutException
                    || e instanceof TimeoutException || e instanceof IOException) {
                return true;
            }
            if (e.getClass() == RedisException.class) {
                return true; // rejected while disconnected, "Connection closed", "Connection disconnected"
            }
            if (!(e instanceof StoreException || e instanceof CompletionException
                    || e instanceof ExecutionException)) {
                return false;
            }
        }
        return false;
    }

    /** @return true for failures that say nothing about Redis: interrupts, and a breaker that did not let it run */
    private static boolean isIgnored(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof CallNotPermittedException || e instanceof RedisCommandInterruptedException) {
                return true;
            }
        }
        return false;
    }
}
