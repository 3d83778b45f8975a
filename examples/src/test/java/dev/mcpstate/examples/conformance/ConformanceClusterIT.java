package dev.mcpstate.examples.conformance;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the official MCP conformance suite through {@code scripts/conformance-cluster.sh} at both spec versions the
 * endpoint serves, 2025-11-25 (sessions) and 2026-07-28 (no sessions): against one SQLite node, and through the
 * round-robin load balancer over three Redis nodes. Every scenario must pass on one node, and the cluster must pass
 * the same ones.
 *
 * <p>Needs {@code redis-server}, {@code python3} and npm: {@code scripts/conformance.sh} fetches Node 22 and the
 * suite from the npm registry into a cache on first use. Where npm or its registry is unreachable the script exits
 * with 3 and the test is reported as skipped, with the reason on the console — never passed silently.
 */
class ConformanceClusterIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("scripts/conformance-cluster.sh");
    /** The exit status of the script when the suite cannot be installed. */
    private static final int SUITE_UNAVAILABLE = 3;
    private static final Pattern SUMMARY =
            Pattern.compile("spec (\\S+): single node (\\d+) passed, cluster (\\d+) passed");
    /**
     * How many scenarios each spec version runs with {@code --suite all} in the suite version the script pins, the
     * pending and draft ones included (docs/CONFORMANCE.md lists them): exactly, so that a scenario that stops
     * producing results is a failure, not a smaller total.
     */
    private static final Map<String, Integer> SCENARIOS = Map.of("2025-11-25", 33, "2026-07-28", 40);
    private static final Pattern TABLE = Pattern.compile("== (.+?): (\\d+)/(\\d+) scenarios pass");

    @TempDir
    Path dir;

    @Test
    void bothErasPassEveryScenarioOnOneNodeAndTheClusterBehindTheLoadBalancerTheSame() throws Exception {
        Path out = dir.resolve("conformance.out");
        Process run = new ProcessBuilder(List.of("bash", SCRIPT.toString(), "--results",
                dir.resolve("results").toString()))
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean finished = run.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(finished).as("the suite finished within 15 minutes:%n%s", output).isTrue();
        if (run.exitValue() == SUITE_UNAVAILABLE) {
            System.out.println("ConformanceClusterIT skipped: " + output.strip());
            Assumptions.abort("the conformance suite cannot be installed here (npm or its registry): " + output.strip());
        }
        assertThat(run.exitValue()).as(output).isZero();

        Matcher table = TABLE.matcher(output);
        int tables = 0;
        while (table.find()) {
            tables++;
            assertThat(table.group(2)).as("%s in:%n%s", table.group(1), output).isEqualTo(table.group(3));
        }
        assertThat(tables).as("one node and the cluster, at each spec version:%n%s", output).isEqualTo(4);
        Matcher summary = SUMMARY.matcher(output);
        Set<String> versions = new HashSet<>();
        while (summary.find()) {
            versions.add(summary.group(1));
            assertThat(summary.group(3)).as("spec %s", summary.group(1)).isEqualTo(summary.group(2));
            assertThat(Integer.parseInt(summary.group(2))).as("spec %s", summary.group(1))
                    .isEqualTo(SCENARIOS.get(summary.group(1)));
        }
        assertThat(versions).as(output).containsExactlyInAnyOrder("2025-11-25", "2026-07-28");
    }
}
