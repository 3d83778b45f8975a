package dev.mcpstate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code benchmarks/run.sh --quick} runs every scenario side by side in one run, stops everything it started, and
 * writes the results JSON with one object per scenario holding the absolute figures and the ratios to their
 * anchors. The figures themselves are not asserted (they are measurements, see BENCHMARKS.md); the 5-minute bound
 * is the documented budget of a quick run.
 */
class QuickRunIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void quickRunWritesEveryScenarioWithFiguresAndRatios() throws Exception {
        Path out = dir.resolve("latest.json");
        Path log = dir.resolve("run.log");
        Instant start = Instant.now();
        Process run = new ProcessBuilder(List.of("bash", "benchmarks/run.sh", "--quick", "--no-build", "--out",
                out.toString())).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        boolean finished = run.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        Duration took = Duration.between(start, Instant.now());
        String output = Files.readString(log);
        assertThat(finished).as("finished within 5 minutes:%n%s", output).isTrue();
        assertThat(run.exitValue()).as(output).isZero();

        JsonNode results = new ObjectMapper().readTree(out.toFile());
        for (String scenario : List.of("echo_rps", "sse_events_per_s", "replay_10k", "admission_cold",
                "sidecar_ops")) {
            JsonNode metrics = results.get(scenario);
            assertThat(metrics).as("%s in %s", scenario, results).isNotNull();
            metrics.forEach(m -> assertThat(m.get("value").asDouble()).as(scenario).isPositive());
        }
        assertThat(results.at("/echo_rps/filter+redis/ratio").isNumber()).isTrue();
        assertThat(results.at("/echo_rps/filter+sqlite/ratio").isNumber()).isTrue();
        assertThat(results.at("/sse_events_per_s/filter+redis slow_count/ratio").isNumber()).isTrue();
        assertThat(results.at("/sidecar_ops/redis state_set/ratio").isNumber()).isTrue();
        assertThat(results.at("/admission_cold").toString()).contains("ratio");
        assertThat(results.at("/replay_10k/redis last byte/value").isNumber()).isTrue();
        assertThat(took).isLessThan(Duration.ofMinutes(5));
    }
}
