package dev.mcpstate.benchmarks;

import dev.mcpstate.store.internal.Json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of one run: absolute figures, the anchor measured in the same run, the ratio and the target. */
final class Report {

    /**
     * @param scenario e.g. {@code echo_rps}
     * @param metric   what was measured, e.g. {@code filter+redis}
     * @param value    the median of the rounds
     * @param unit     e.g. {@code req/s}, {@code ms}
     * @param anchor   the anchor's median, or NaN
     * @param ratio    {@code value / anchor} (or the difference, for latencies), or NaN
     * @param target   the target in words, or empty
     * @param met      whether the target is met; null when the row has no target
     */
    record Row(String scenario, String metric, double value, String unit, double anchor, double ratio, String target,
            Boolean met) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final ObjectNode details = Json.MAPPER.createObjectNode();

    void add(String scenario, String metric, double value, String unit) {
        add(scenario, metric, value, unit, Double.NaN, Double.NaN, "", null);
    }

    void add(String scenario, String metric, double value, String unit, double anchor, double ratio, String target,
            Boolean met) {
        rows.add(new Row(scenario, metric, Stats.round(value), unit, Stats.round(anchor), Stats.round(ratio), target,
                met));
    }

    /** Raw figures of one scenario (every round), kept in the JSON. */
    ObjectNode details(String scenario) {
        return details.has(scenario) ? (ObjectNode) details.get(scenario) : details.putObject(scenario);
    }

    void print(PrintStream out) {
        String format = "%-17s %-38s %10s %-7s %10s %9s  %-22s %s%n";
        out.printf(Locale.ROOT, format, "scenario", "metric", "value", "unit", "anchor", "ratio/+ms", "target", "met");
        for (Row r : rows) {
            out.printf(Locale.ROOT, format, r.scenario(), r.metric(), num(r.value()), r.unit(), num(r.anchor()),
                    num(r.ratio()), r.target(), r.met() == null ? "" : r.met() ? "yes" : "NO");
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.3f", v)
                .replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    void write(Path file, ObjectNode header) throws IOException {
        ObjectNode root = header.deepCopy();
        ArrayNode array = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = array.addObject().put("scenario", r.scenario()).put("metric", r.metric());
            fill(o, r);
            // one top-level object per scenario, metric -> figures: echo_rps, sse_events_per_s, replay_10k, ...
            // (the latency rows of the echo scenario belong to echo_rps; JMH rows go under "micro")
            String key = r.scenario().equals("echo_latency") ? "echo_rps"
                    : r.scenario().startsWith("micro") ? "micro" : r.scenario();
            ObjectNode scenario = root.has(key) ? (ObjectNode) root.get(key) : root.putObject(key);
            fill(scenario.putObject(r.metric()), r);
        }
        root.set("details", details);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static void fill(ObjectNode o, Row r) {
        o.put("value", r.value()).put("unit", r.unit());
        if (!Double.isNaN(r.anchor())) {
            o.put("anchor", r.anchor());
        }
        if (!Double.isNaN(r.ratio())) {
            o.put("ratio", r.ratio());
        }
        if (r.met() != null) {
            o.put("target", r.target()).put("met", r.met());
        }
    }
}
