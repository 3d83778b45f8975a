package dev.mcpstate.demo.prreview;

import dev.mcpstate.demo.prreview.internal.cli.Flags;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The dashboard's settings, from its command line ({@link #parse(String...)}). Immutable.
 *
 * @param host          the interface the dashboard listens on; {@code 127.0.0.1} by default
 * @param port          its port; 0 picks a free one
 * @param sidecarUrl    the MCP endpoint of an existing sidecar (the standalone sidecar, the example server, or a
 *                      load balancer in front of nodes), or null to start an embedded sidecar on SQLite
 * @param sidecarTokenFile a file whose first line is the bearer token to show the sidecar at {@code sidecarUrl}
 *                      when it authenticates its callers, or null to call it anonymously; needs {@code sidecarUrl}
 * @param db            the embedded sidecar's SQLite file (ignored with {@code sidecarUrl})
 * @param timings       the agents' claim and lease TTLs and pace
 * @param githubApi     the GitHub API base URL for pull request URLs
 * @param githubTimeout the bound of one GitHub fetch
 * @param workDir       where the agents' logs go
 * @param statePoll     how often the live panels' state is read from the sidecar
 * @param help          true when {@code --help} was given
 */
public record DemoOptions(String host, int port, URI sidecarUrl, Path sidecarTokenFile, Path db, AgentTimings timings,
        URI githubApi, Duration githubTimeout, Path workDir, Duration statePoll, boolean help) {

    /** The default port. */
    public static final int DEFAULT_PORT = 8090;
    /** The default GitHub API. */
    public static final URI GITHUB_API = URI.create("https://api.github.com");

    /** The text of {@code --help}. */
    public static final String USAGE = """
            Usage: java -jar mcp-state-pr-review-demo.jar [options]

            The distributed PR-review demo: a dashboard at http://HOST:PORT/ and reviewer agents (separate
            processes) that coordinate only through the state-sidecar tools.

            Options:
              --port PORT              dashboard port (default 8090; 0 = any free port)
              --host HOST              interface to listen on (default 127.0.0.1)
              --sidecar-url URL        use this sidecar's MCP endpoint (e.g. http://127.0.0.1:8000/mcp) instead
                                       of starting an embedded one
              --sidecar-token-file F   a file whose first line is the bearer token that sidecar wants (one of
                                       its --auth-tokens); the dashboard and every agent show it
              --db PATH                the embedded sidecar's SQLite file (default pr-review-demo.db)
              --claim-ttl-ms MS        claim lease of a run (default 3000)
              --lease-ttl-ms MS        review-slot lease (default 2000)
              --file-delay-ms MS       simulated work per file (default 700)
              --poll-ms MS             how often a waiting agent looks for runs (default 200)
              --idle-exit-ms MS        an agent with nothing to do exits after this long (default 60000)
              --state-poll-ms MS       how often the panels are refreshed (default 400)
              --github-api URL         GitHub API for pull request URLs (default https://api.github.com)
              --github-timeout-ms MS   bound of one GitHub fetch (default 5000)
              --work-dir DIR           where agent logs go (default: a new temporary directory)
              --help                   print this text
            """;

    private static final Set<String> VALUED = Set.of("--port", "--host", "--sidecar-url", "--db", "--claim-ttl-ms",
            "--lease-ttl-ms", "--file-delay-ms", "--poll-ms", "--idle-exit-ms", "--state-poll-ms", "--github-api",
            "--github-timeout-ms", "--work-dir", "--sidecar-token-file");

    /**
     * @throws NullPointerException     for a null host, db, timings, githubApi, githubTimeout, workDir or statePoll
     * @throws IllegalArgumentException for a port outside 0..65535, a non-positive duration, or a token file without
     *                                  a sidecar URL
     */
    public DemoOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(githubApi, "githubApi");
        Objects.requireNonNull(githubTimeout, "githubTimeout");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(statePoll, "statePoll");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, was: " + port);
        }
        if (sidecarTokenFile != null && sidecarUrl == null) {
            throw new IllegalArgumentException("--sidecar-token-file needs --sidecar-url: the embedded sidecar "
                    + "takes anonymous callers");
        }
        if (githubTimeout.isZero() || githubTimeout.isNegative() || statePoll.isZero() || statePoll.isNegative()) {
            throw new IllegalArgumentException("--github-timeout-ms and --state-poll-ms must be positive");
        }
    }

    /**
     * @param args the command line; not null
     * @return the options; defaults for everything not given
     * @throws IllegalArgumentException with a message naming the flag, for an unknown flag or a bad value
     */
    public static DemoOptions parse(String... args) {
        Flags flags = Flags.parse(args, VALUED, Set.of("--help", "-h"));
        AgentTimings d = AgentTimings.DEFAULTS;
        AgentTimings timings = new AgentTimings(flags.millis("--claim-ttl-ms", d.claimTtl()),
                flags.millis("--lease-ttl-ms", d.leaseTtl()), flags.millis("--file-delay-ms", d.fileDelay()),
                flags.millis("--poll-ms", d.poll()), flags.millis("--idle-exit-ms", d.idleExit()));
        Path workDir = flags.path("--work-dir", null);
        if (workDir == null) {
            workDir = Path.of(System.getProperty("java.io.tmpdir"), "mcp-state-pr-review-demo-"
                    + ProcessHandle.current().pid());
        }
        return new DemoOptions(flags.text("--host", "127.0.0.1"), flags.integer("--port", DEFAULT_PORT, 0, 65535),
                flags.url("--sidecar-url", null), flags.path("--sidecar-token-file", null),
                flags.path("--db", Path.of("pr-review-demo.db")), timings,
                flags.url("--github-api", GITHUB_API), flags.millis("--github-timeout-ms", Duration.ofSeconds(5)),
                workDir, flags.millis("--state-poll-ms", Duration.ofMillis(400)),
                flags.has("--help") || flags.has("-h"));
    }
}
