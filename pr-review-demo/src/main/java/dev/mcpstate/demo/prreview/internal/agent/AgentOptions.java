package dev.mcpstate.demo.prreview.internal.agent;

import dev.mcpstate.demo.prreview.AgentTimings;
import dev.mcpstate.demo.prreview.internal.cli.Flags;
import dev.mcpstate.demo.prreview.internal.review.ReviewKind;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An agent's command line. Immutable.
 *
 * @param sidecarUrl the sidecar's MCP endpoint
 * @param demoId     the demo session whose runs it reviews
 * @param kind       which review it does
 * @param agentId    its id: the claimer and lease holder name
 * @param timings    claim and lease TTLs, work and polling pace
 * @param maxRuntime it exits after this long whatever happens
 */
public record AgentOptions(URI sidecarUrl, String demoId, ReviewKind kind, String agentId, AgentTimings timings,
        Duration maxRuntime) {

    static final String USAGE = """
            Usage: java -cp mcp-state-pr-review-demo.jar dev.mcpstate.demo.prreview.internal.agent.AgentMain \\
                     --sidecar-url URL --demo ID --kind security|performance|style --agent-id ID [timings]
            Timings (milliseconds): --claim-ttl-ms --lease-ttl-ms --file-delay-ms --poll-ms --idle-exit-ms
                                    --max-runtime-ms (default 600000)
            """;

    private static final Set<String> VALUED = Set.of("--sidecar-url", "--demo", "--kind", "--agent-id",
            "--claim-ttl-ms", "--lease-ttl-ms", "--file-delay-ms", "--poll-ms", "--idle-exit-ms", "--max-runtime-ms");

    /**
     * @param args the command line; not null
     * @return the options
     * @throws IllegalArgumentException naming the flag that is missing or wrong
     */
    public static AgentOptions parse(String[] args) {
        Flags flags = Flags.parse(args, VALUED, Set.of());
        AgentTimings d = AgentTimings.DEFAULTS;
        AgentTimings timings = new AgentTimings(flags.millis("--claim-ttl-ms", d.claimTtl()),
                flags.millis("--lease-ttl-ms", d.leaseTtl()), flags.millis("--file-delay-ms", d.fileDelay()),
                flags.millis("--poll-ms", d.poll()), flags.millis("--idle-exit-ms", d.idleExit()));
        URI url = flags.url("--sidecar-url", null);
        if (url == null) {
            throw new IllegalArgumentException("--sidecar-url is required");
        }
        return new AgentOptions(url, flags.required("--demo"), ReviewKind.fromWireName(flags.required("--kind")),
                flags.required("--agent-id"), timings, flags.millis("--max-runtime-ms", Duration.ofMinutes(10)));
    }

    /** @return the command line that {@link #parse} reads back into these options */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--sidecar-url", sidecarUrl.toString(), "--demo", demoId,
                "--kind", kind.wireName(), "--agent-id", agentId));
        args.addAll(timings.toFlags());
        args.add("--max-runtime-ms");
        args.add(Long.toString(maxRuntime.toMillis()));
        return args;
    }
}
