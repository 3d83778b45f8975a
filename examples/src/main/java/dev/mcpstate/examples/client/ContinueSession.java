package dev.mcpstate.examples.client;

import java.io.PrintStream;
import java.net.URI;
import java.util.Set;

/**
 * Continues an existing session without initializing: raw requests carrying its {@code Mcp-Session-Id} (the SDK
 * client cannot adopt a session id), calling {@code whoami} and {@code echo} a few times and printing the node
 * that served each request ({@code Mcp-State-Node} header). Through the load balancer, the calls land on every
 * node, and each admits the session under its original id.
 *
 * <p>Exit codes: {@link Cli#EXIT_OK}; {@link Cli#EXIT_FAILED} when the server answers 404 (printed as
 * {@code error: session <id> is unknown, closed or expired}), is unreachable, or a node reports another session
 * id; {@link Cli#EXIT_USAGE}.
 */
public final class ContinueSession {

    /** The {@code --help} text. */
    public static final String USAGE = """
            Usage: java -cp examples/target/mcp-state-server.jar dev.mcpstate.examples.client.ContinueSession \\
                     --url URL [--calls N] SESSION_ID

            Continues an existing MCP session (e.g. the one DemoClient printed) without initializing: calls
            whoami and echo N times with its Mcp-Session-Id and prints the node that served each request.

            Options:
              --url URL     MCP endpoint, e.g. http://127.0.0.1:3000/mcp (the load balancer); required
              --calls N     rounds of whoami + echo, 1 to 1000; default 3
              --help        print this text

            Exit codes: 0 done, 1 failed (404: session unknown, closed or expired), 2 bad arguments.
            """;

    private ContinueSession() {
    }

    /** Runs with the process's standard streams and exits with the exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Continues the session.
     *
     * @param args the command line; not null
     * @param out  where the results go; not null
     * @param err  where errors and usage go; not null
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(args, USAGE, Set.of("--url", "--calls"), Set.of(), ContinueSession::continueSession, out,
                err);
    }

    private static int continueSession(Cli.Args args, PrintStream out) {
        URI url = args.url("--url");
        int calls = args.integer("--calls", 3, 1, 1000);
        String sessionId = args.positionals(1, "one SESSION_ID").get(0);
        NodeTally tally = new NodeTally();
        out.println("continuing session " + sessionId + " through " + url + " (no initialize)");
        McpHttpClient client = new McpHttpClient(url).adopt(sessionId);
        for (int i = 1; i <= calls; i++) {
            Reply whoami = Reply.call(client, "whoami", "{}");
            Whoami who = Whoami.parse(whoami.text());
            if (!who.session().equals(sessionId)) {
                throw new IllegalStateException("node " + whoami.node() + " reported session " + who.session());
            }
            tally.add(whoami.node());
            out.printf("whoami  -> served by %s (%s)%n", whoami.node(), whoami.text());
            Reply echo = Reply.call(client, "echo", "{\"text\":\"again " + i + "\"}");
            tally.add(echo.node());
            out.printf("echo    -> served by %s: \"%s\"%n", echo.node(), echo.text());
        }
        out.println("requests per node: " + tally.summary());
        return Cli.EXIT_OK;
    }
}
