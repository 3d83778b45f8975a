package dev.mcpstate.benchmarks;

import dev.mcpstate.testing.RedisClusterProcess;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drills of {@code benchmarks/drill.sh} in their short form: 3 node processes behind the load balancer, 10
 * sessions x 20 mixed calls; in the middle, node-2 killed with SIGKILL and restarted (on one Redis), or a master of a
 * Redis Cluster killed with SIGKILL while every durable write waits for one replica.
 */
class DrillIT {

    private static final Path JAR = Path.of(System.getProperty("bench.jar", "target/mcp-state-benchmarks.jar"));
    private static final Path LB_JAR = Path.of(System.getProperty("bench.lbJar",
            "../loadbalancer-demo/target/mcp-state-lb.jar"));

    @TempDir
    Path logs;

    @Test
    void killingANodeMidRunLosesAndDuplicatesNoEventAndEveryCallCompletes() throws Exception {
        Drill.Config config = new Drill.Config(3, 10, 20, 8, 20, Drill.FAST, JAR, LB_JAR,
                Drill.Store.redis(RedisTestServer.url()), Drill.Fault.KILL_NODE, logs, Duration.ofSeconds(50));

        Drill.Tally tally = new Drill(config).run();

        System.out.println(tally);
        assertEverythingDelivered(tally);
        assertThat(tally.servedAfterRestart).as("the restarted node serves again").containsKey("node-2");
    }

    @Test
    void killingARedisMasterMidRunWithWaitForOneReplicaLosesNoAcknowledgedEvent() throws Exception {
        try (RedisClusterProcess cluster = RedisClusterProcess.launch()) {
            Drill.Config config = new Drill.Config(3, 10, 20, 8, 20, Drill.FAST_ON_CLUSTER, JAR, LB_JAR,
                    Drill.Store.cluster(cluster, 1), Drill.Fault.KILL_REDIS_MASTER, logs, Duration.ofSeconds(90));

            Drill.Tally tally = new Drill(config).run();

            System.out.println(tally);
            assertEverythingDelivered(tally);
            assertThat(tally.failoverMillis).as("the replica took over").isPositive();
            assertThat(tally.audited.get()).as("events checked in the store").isPositive();
        }
    }

    private static void assertEverythingDelivered(Drill.Tally tally) {
        assertThat(tally.lost.get()).as("lost events\n%s", tally).isZero();
        assertThat(tally.duplicated.get()).as("duplicated events\n%s", tally).isZero();
        assertThat(tally.acknowledgedLost.get()).as("acknowledged events missing from the store\n%s", tally).isZero();
        assertThat(tally.problems).as("problems\n%s", tally).isEmpty();
        assertThat(tally.succeeded.get()).as("calls completed\n%s", tally).isEqualTo(200);
        assertThat(tally.delivered.get()).as("progress events delivered").isEqualTo(tally.produced.get());
    }
}
