package dev.mcpstate.examples.clients;

import dev.mcpstate.examples.client.ContinueSession;
import dev.mcpstate.examples.client.DemoClient;
import dev.mcpstate.examples.client.ResumeDemo;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client mains ({@link DemoClient}, {@link ContinueSession}, {@link ResumeDemo}) against two real nodes,
 * node-a and node-b, sharing one real Redis: a session opened on one node is continued and resumed on the other.
 */
class ClientMainsIT {

    private static McpStateServer nodeA;
    private static McpStateServer nodeB;

    @BeforeAll
    static void startNodes() throws Exception {
        RedisTestServer.flushAll();
        nodeA = MainRun.startNode("node-a");
        nodeB = MainRun.startNode("node-b");
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (McpStateServer node : new McpStateServer[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static String url(McpStateServer node) {
        return node.uri().toString();
    }

    @Test
    void demoClientReportsTheServingNodeOfEveryRoundAndLeavesTheSessionOpen() {
        MainRun run = MainRun.of(DemoClient::run, "--url", url(nodeA), "--calls", "3");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.lines("call [123]: ping, \\d+ tools, echo=\"hello [123]\", slow_count=\"counted 3\" "
                + "\\(\\d/3 progress\\), whoami -> node-a")).as(run.toString()).isEqualTo(3);
        assertThat(run.out()).contains("whoami per node: node-a=3");
        String session = run.find("^session: (\\S+)$");
        assertThat(run.out()).contains("continue it with: ContinueSession --url " + url(nodeA) + " " + session);
        assertThat(nodeA.state().storage().sessions().find(session)).get()
                .extracting(s -> s.status()).isEqualTo(SessionStatus.ACTIVE);
    }

    @Test
    void continueSessionServesTheDemoClientsSessionOnAnotherNodeWithoutInitializing() {
        String session = MainRun.of(DemoClient::run, "--url", url(nodeA), "--calls", "1").find("^session: (\\S+)$");

        MainRun run = MainRun.of(ContinueSession::run, "--url", url(nodeB), "--calls", "2", session);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.lines("whoami  -> served by node-b \\(session=" + session + " node=node-b\\)"))
                .as(run.toString()).isEqualTo(2);
        assertThat(run.lines("echo    -> served by node-b: \"again [12]\"")).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).contains("requests per node: node-b=4");
    }

    @Test
    void continueSessionOfAClosedSessionSaysSoAndExitsWithOne() {
        MainRun demo = MainRun.of(DemoClient::run, "--url", url(nodeA), "--calls", "1", "--close");
        assertThat(demo.out()).as(demo.toString()).contains("session closed (DELETE)");
        String session = demo.find("^session: (\\S+)$");

        MainRun run = MainRun.of(ContinueSession::run, "--url", url(nodeB), session);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: session " + session + " is unknown, closed or expired"
                + System.lineSeparator());
    }

    @Test
    void continueSessionOfAnUnknownSessionSaysSoAndExitsWithOne() {
        MainRun run = MainRun.of(ContinueSession::run, "--url", url(nodeA), "no-such-session");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("error: session no-such-session is unknown, closed or expired");
    }

    @Test
    void resumeDemoResumesOnAnotherNodeWithNoDuplicateAndNoGap() {
        MainRun run = MainRun.of(ResumeDemo::run, "--url", url(nodeA), "--resume-url", url(nodeB),
                "--count", "8", "--cut-after", "3", "--interval-ms", "20");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("streaming from node-a", "served by node-b",
                "check: 8 progress + 8 log events and the result, each exactly once, ids increasing: OK");
        String lastEventId = run.find("last event id: (\\S+)$");
        assertThat(run.out()).contains("-- resumed with GET Last-Event-ID: " + lastEventId + ", served by node-b");
        IntStream.rangeClosed(1, 8).forEach(i -> assertThat(run.lines("  \\S+ +progress " + i + "/8"))
                .as("progress %d in %s", i, run).isEqualTo(1));
        assertThat(run.lines("  \\S+ +result   counted 8")).isEqualTo(1);
    }

    @Test
    void resumeDemoThroughOneNodeResumesOnThatNode() {
        MainRun run = MainRun.of(ResumeDemo::run, "--url", url(nodeB), "--count", "4", "--cut-after", "1",
                "--interval-ms", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("streaming from node-b", "served by node-b", "each exactly once");
    }

    @Test
    void mainsPrintTheirUsageForHelp() {
        for (MainRun.Main main : new MainRun.Main[] {DemoClient::run, ContinueSession::run, ResumeDemo::run}) {
            MainRun run = MainRun.of(main, "--help");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).startsWith("Usage: java -cp examples/target/mcp-state-server.jar ");
            assertThat(run.err()).isEmpty();
        }
    }

    @Test
    void mainsRejectBadCommandLinesWithExitCodeTwo() {
        assertUsageError(MainRun.of(DemoClient::run), "--url is required");
        assertUsageError(MainRun.of(DemoClient::run, "--url", "ftp://x"), "--url must be an http(s) URL");
        assertUsageError(MainRun.of(DemoClient::run, "--url", url(nodeA), "--calls", "0"),
                "--calls must be an integer from 1 to 1000, was: 0");
        assertUsageError(MainRun.of(DemoClient::run, "--url", url(nodeA), "--bogus"), "unknown option: --bogus");
        assertUsageError(MainRun.of(ContinueSession::run, "--url", url(nodeA)), "expected one SESSION_ID");
        assertUsageError(MainRun.of(ResumeDemo::run, "--url", url(nodeA), "--count", "5", "--cut-after", "5"),
                "--cut-after must be an integer from 1 to 4, was: 5");
        assertUsageError(MainRun.of(ResumeDemo::run, "--url"), "--url needs a value");
    }

    private static void assertUsageError(MainRun run, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: " + message).contains("Usage: ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void mainsReportAnUnreachableServerInOneLineAndExitWithOne() {
        String nowhere = "http://127.0.0.1:" + FreePort.find() + "/mcp";
        for (MainRun.Main main : new MainRun.Main[] {DemoClient::run, ResumeDemo::run}) {
            MainRun run = MainRun.of(main, "--url", nowhere);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).startsWith("error: ").doesNotContain("\tat ");
        }
        MainRun run = MainRun.of(ContinueSession::run, "--url", nowhere, "some-session");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: cannot reach " + nowhere);
    }
}
