package dev.mcpstate.examples.clients;

import dev.mcpstate.examples.client.ResumeDemo;
import dev.mcpstate.examples.monitor.RedisMonitor;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RedisMonitor --once} shows what a real node stored in a real Redis. */
class RedisMonitorIT {

    private static McpStateServer node;
    private static String session;

    @BeforeAll
    static void storeOneSession() throws Exception {
        RedisTestServer.flushAll();
        node = MainRun.startNode("node-m");
        MainRun demo = MainRun.of(ResumeDemo::run, "--url", node.uri().toString(), "--count", "4", "--cut-after",
                "1", "--interval-ms", "0");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        session = demo.find("^session (\\S+) initialized on node-m$");
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void snapshotShowsTheSessionItsStreamWithItsEventCountAndTheLatestEvents() {
        MainRun run = MainRun.of(RedisMonitor::run, "--redis-url", RedisTestServer.url(), "--once", "--events", "3");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("mcp-state monitor  " + RedisTestServer.url() + "  prefix=mcp  ")
                .contains("sessions=1 (showing 1)");
        assertThat(run.lines(session + " +ACTIVE +node-m +\\S+ \\(\\d+s ago\\) +2025-11-25")).as(run.toString())
                .isEqualTo(1);
        // the slow_count stream: the request, 4 progress, 4 logging notifications and the result
        assertThat(run.lines(" +stream r[0-9a-f]{12} +response +(open|closed) +owner=node-m\\S* +events=10"))
                .as(run.toString()).isEqualTo(1);
        assertThat(run.lines(" +r[0-9a-f]{12}:\\d+-0 +[0-9:.]+ s->c notifications/progress .*")).isEqualTo(1);
        assertThat(run.lines(" +r[0-9a-f]{12}:\\d+-0 +[0-9:.]+ s->c notifications/message .*")).isEqualTo(1);
        assertThat(run.lines(" +r[0-9a-f]{12}:\\d+-0 +[0-9:.]+ s->c result #1 .*")).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void snapshotOfAnotherPrefixShowsNoSession() {
        MainRun run = MainRun.of(RedisMonitor::run, "--redis-url", RedisTestServer.url(), "--prefix", "other",
                "--once");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("prefix=other", "sessions=0 (showing 0)").doesNotContain(session);
    }

    @Test
    void unreachableRedisIsReportedInOneLineWithExitCodeOne() {
        MainRun run = MainRun.of(RedisMonitor::run, "--redis-url", "redis://127.0.0.1:" + FreePort.find(), "--once");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: could not connect to Redis redis://127.0.0.1:")
                .doesNotContain("\tat ");
    }

    @Test
    void helpPrintsTheUsageAndBadOptionsExitWithTwo() {
        MainRun help = MainRun.of(RedisMonitor::run, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: java -cp examples/target/mcp-state-server.jar "
                + "dev.mcpstate.examples.monitor.RedisMonitor");

        MainRun bad = MainRun.of(RedisMonitor::run, "--interval-ms", "5");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: --interval-ms must be an integer from 100 to 60000, was: 5");
    }
}
