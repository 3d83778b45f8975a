package dev.mcpstate.interceptor.internal.observe;

import dev.mcpstate.interceptor.ops.McpStateMetrics;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageBackend;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every call of a storage's session, event and rate-limit stores
 * ({@value McpStateMetrics#STORE_OPERATION_DURATION}): a {@link Storage} over a backend whose stores are dynamic
 * proxies, so that every method of the store interfaces — those added later too — is measured, an asynchronous one
 * until its future completes. The timers of successful calls are registered up front, one per method; a failure's
 * timer (tagged with the exception's simple class name) on its first occurrence. Backend methods other than the
 * stores ({@code available}, {@code check}, the cluster bus, the sidecar) pass through untimed.
 */
final class TimedStorage {

    /** Store calls: sub-millisecond (memory, a warm SQLite read) to the command timeout of a sick Redis. */
    private static final Duration[] BUCKETS = seconds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
            1, 2, 5);

    private TimedStorage() {
    }

    /** @return a storage like {@code storage} whose store calls are timed in {@code registry} */
    static Storage wrap(Storage storage, MeterRegistry registry) {
        StorageBackend backend = storage.backend();
        String system = backend.name();
        Map<Class<?>, Object> stores = new ConcurrentHashMap<>();
        InvocationHandler handler = (proxy, method, args) -> {
            Class<?> type = method.getReturnType();
            if (method.getParameterCount() == 0 && (type == SessionStore.class || type == EventStore.class
                    || type == RateLimitStore.class)) {
                Object store = invoke(backend, method, args);
                return stores.computeIfAbsent(type, t -> timed(t, store, registry, system));
            }
            return invoke(backend, method, args);
        };
        StorageBackend timed = (StorageBackend) Proxy.newProxyInstance(StorageBackend.class.getClassLoader(),
                new Class<?>[] {StorageBackend.class}, handler);
        return Storage.of(timed, storage.config(), storage.clock());
    }

    private static Object timed(Class<?> type, Object store, MeterRegistry registry, String system) {
        String prefix = type == SessionStore.class ? "sessions." : type == EventStore.class ? "events."
                : "rate_limits.";
        Map<Method, Timer> timers = new HashMap<>(); // equal, not identical: the proxy has Method objects of its own
        for (Method method : type.getMethods()) {
            timers.put(method, timer(registry, system, prefix + method.getName(), null));
        }
        Map<String, Timer> failures = new ConcurrentHashMap<>();
        Clock clock = registry.config().clock();
        InvocationHandler handler = (proxy, method, args) -> {
            Timer timer = timers.get(method);
            if (timer == null) { // Object's methods
                return invoke(store, method, args);
            }
            long started = clock.monotonicTime();
            Object result;
            try {
                result = invoke(store, method, args);
            } catch (Throwable e) {
                record(failures, registry, system, prefix + method.getName(), e, clock.monotonicTime() - started);
                throw e;
            }
            if (result instanceof CompletableFuture<?> future && !future.isDone()) {
                future.whenComplete((v, e) -> {
                    long took = clock.monotonicTime() - started;
                    if (e == null) {
                        timer.record(took, TimeUnit.NANOSECONDS);
                    } else {
                        record(failures, registry, system, prefix + method.getName(), unwrap(e), took);
                    }
                });
            } else if (result instanceof CompletableFuture<?> done && done.isCompletedExceptionally()) {
                record(failures, registry, system, prefix + method.getName(), unwrap(done.handle((v, e) -> e).join()),
                        clock.monotonicTime() - started);
            } else {
                timer.record(clock.monotonicTime() - started, TimeUnit.NANOSECONDS);
            }
            return result;
        };
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static void record(Map<String, Timer> failures, MeterRegistry registry, String system, String operation,
            Throwable cause, long nanos) {
        String error = cause.getClass().getSimpleName();
        failures.computeIfAbsent(operation + '\u0000' + error, k -> timer(registry, system, operation, error))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Timer timer(MeterRegistry registry, String system, String operation, String error) {
        Tags tags = Tags.of(McpStateMetrics.DB_SYSTEM, system, McpStateMetrics.DB_OPERATION, operation);
        return Timer.builder(McpStateMetrics.STORE_OPERATION_DURATION)
                .description("Calls of the session, event and rate-limit stores, until their result")
                // error.type on every series, empty for a success: one tag-key set per meter (McpStateMetrics)
                .tags(tags.and(McpStateMetrics.ERROR_TYPE, FilterMetrics.orEmpty(error)))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return durations;
    }
}
