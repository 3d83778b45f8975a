package dev.mcpstate.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Percentiles and medians. */
final class Stats {

    private Stats() {
    }

    /** @return the {@code p}-th percentile (0..100) of {@code values}, nearest rank; NaN when empty */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        return percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    /** Rounds for the report: 3 significant decimals below 10, 1 decimal below 1000, whole numbers above. */
    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double a = Math.abs(v);
        double scale = a < 10 ? 1000 : a < 1000 ? 10 : 1;
        return Math.round(v * scale) / scale;
    }
}
