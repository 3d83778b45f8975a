package dev.mcpstate.testing;

import java.util.Arrays;

/**
 * Reads samples out of a Prometheus text-format scrape (what {@code /metrics} answers), for assertions.
 *
 * <pre>{@code
 * PrometheusText.sum(scrape, "mcp_server_operation_duration_seconds_count",
 *         "mcp_method_name=\"tools/call\"", "gen_ai_tool_name=\"echo\"")   // 3.0
 * }</pre>
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * @param scrape the text; not null
     * @param metric a sample name, e.g. {@code jetty_threads_current}, {@code x_seconds_count}
     * @param labels {@code name="value"} pairs every counted sample must carry (others may be there too)
     * @return the sum of those samples' values; 0 when there is none
     */
    public static double sum(String scrape, String metric, String... labels) {
        return Arrays.stream(scrape.split("\n"))
                .filter(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "))
                .filter(line -> {
                    String carried = labelsOf(line);
                    return Arrays.stream(labels).allMatch(carried::contains);
                })
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static String labelsOf(String line) {
        int open = line.indexOf('{');
        return open < 0 ? "" : line.substring(open, line.lastIndexOf('}') + 1);
    }
}
