package dev.mcpstate.demo.prreview.internal.agent;

import dev.mcpstate.demo.prreview.internal.sidecar.SidecarClient;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarException;

import java.io.IOException;
import java.time.Duration;

/**
 * The reviewer agent process: {@code java -cp mcp-state-pr-review-demo.jar
 * dev.mcpstate.demo.prreview.internal.agent.AgentMain --sidecar-url URL --demo ID --kind KIND --agent-id ID ...}
 * (see {@link AgentOptions}). Writes JSON lines on standard output ({@link AgentOutput}), logs on standard error.
 * Exits when its work is done and it has been idle for a while, when it runs out of time, or when its standard
 * input closes (the dashboard that started it is gone). Exit codes: 0 done, 1 sidecar unreachable, 2 bad options.
 */
public final class AgentMain {

    private AgentMain() {
    }

    public static void main(String[] args) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(AgentOptions.USAGE);
            System.exit(2);
            return;
        }
        exitWhenParentGoes();
        AgentOutput out = new AgentOutput(System.out, options.agentId());
        SidecarClient sidecar;
        try {
            sidecar = SidecarClient.connect(options.sidecarUrl(), System.getenv(SidecarClient.TOKEN_ENV),
                    "pr-review-agent/" + options.agentId(), Duration.ofSeconds(10), out::tool);
        } catch (SidecarException e) {
            out.exit(e.getMessage());
            System.exit(1);
            return;
        }
        long pid = ProcessHandle.current().pid();
        out.ready(options.kind().wireName(), pid);
        String reason;
        try {
            reason = new ReviewerAgent(options, sidecar, out, pid).run();
        } finally {
            sidecar.close();
        }
        out.exit(reason);
        System.exit(0);
    }

    /** The dashboard holds the write end of standard input: end of input means it is gone, and so is the demo. */
    private static void exitWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // the dashboard writes nothing; any input is ignored
                }
            } catch (IOException e) {
                // treated as end of input
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
