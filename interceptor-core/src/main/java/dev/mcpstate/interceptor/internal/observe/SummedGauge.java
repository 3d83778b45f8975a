package dev.mcpstate.interceptor.internal.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * A gauge that sums what every started filter reporting to one registry contributes. Micrometer keeps the first
 * gauge registered under a name and ignores later ones, so two filters on one registry (two endpoints, a restarted
 * filter) would otherwise leave the gauge reading the first one only, or a stopped one. Thread-safe.
 */
final class SummedGauge {

    /** The registry is a weak key: the gauge (which the registry holds) does not reference it. */
    private static final Map<MeterRegistry, Map<String, SummedGauge>> GAUGES = new WeakHashMap<>();

    private final List<IntSupplier> sources = new CopyOnWriteArrayList<>();

    private SummedGauge() {
    }

    /**
     * Adds a source to the gauge {@code name} of {@code registry}, registering the gauge on first use.
     *
     * @return what removes the source again (idempotent)
     */
    static Runnable add(MeterRegistry registry, String name, String description, IntSupplier source) {
        SummedGauge gauge;
        synchronized (GAUGES) {
            gauge = GAUGES.computeIfAbsent(registry, r -> new HashMap<>()).computeIfAbsent(name, n -> {
                SummedGauge created = new SummedGauge();
                Gauge.builder(name, created, SummedGauge::sum).description(description).strongReference(true)
                        .register(registry);
                return created;
            });
        }
        gauge.sources.add(source);
        return () -> gauge.sources.remove(source);
    }

    private double sum() {
        long total = 0;
        for (IntSupplier source : sources) {
            total += source.getAsInt();
        }
        return total;
    }
}
