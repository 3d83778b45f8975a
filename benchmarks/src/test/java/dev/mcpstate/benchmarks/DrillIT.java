package dev.mcpstate.benchmarks;

import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drill of {@code benchmarks/drill.sh} in its short form: 3 Redis-backed node processes behind the load
 * balancer, 10 sessions x 20 mixed calls, node-2 killed with SIGKILL and restarted in the middle.
 */
class DrillIT {

    @TempDir
    Path logs;

    @Test
    void killingANodeMidRunLosesAndDuplicatesNoEventAndEveryCallCompletes() throws Exception {
        Drill.Config config = new Drill.Config(3, 10, 20, 8, 20, Drill.FAST,
                Path.of(System.getProperty("bench.jar", "target/mcp-state-benchmarks.jar")),
                Path.of(System.getProperty("bench.lbJar", "../loadbalancer-demo/target/mcp-state-lb.jar")),
                RedisTestServer.url(), logs, Duration.ofSeconds(50));

        Drill.Tally tally = new Drill(config).run();

        System.out.println(tally);
        assertThat(tally.lost.get()).as("lost events\n%s", tally).isZero();
        assertThat(tally.duplicated.get()).as("duplicated events\n%s", tally).isZero();
        assertThat(tally.problems).as("problems\n%s", tally).isEmpty();
        assertThat(tally.succeeded.get()).as("calls completed\n%s", tally).isEqualTo(200);
        assertThat(tally.delivered.get()).as("progress events delivered").isEqualTo(tally.produced.get());
        assertThat(tally.servedAfterRestart).as("the restarted node serves again").containsKey("node-2");
    }
}
