package dev.mcpstate.examples.client;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import reactor.core.publisher.Mono;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Opens an MCP session with the official MCP Java SDK client ({@code McpClient.sync} over
 * {@code HttpClientStreamableHttpTransport}) — typically through the round-robin load balancer — and runs N
 * rounds of {@code ping}, {@code tools/list}, {@code echo}, {@code slow_count} (with a progress token) and
 * {@code whoami}. The SDK client does not expose response headers, so the node shown for a round is the one
 * {@code whoami} reports. A round is five requests: as five is prime to 2, 3 and 4, a load balancer rotating
 * every request over that many nodes lands each round's {@code whoami} on the next node. Prints the session id
 * (the same on every node) and a per-node count, and leaves the session open for {@link ContinueSession} unless
 * {@code --close} is given.
 *
 * <p>Exit codes: {@link Cli#EXIT_OK}, {@link Cli#EXIT_FAILED} (server unreachable, a call failed, the session id
 * differed between nodes), {@link Cli#EXIT_USAGE}.
 */
public final class DemoClient {

    /** The {@code --help} text. */
    public static final String USAGE = """
            Usage: java -cp examples/target/mcp-state-server.jar dev.mcpstate.examples.client.DemoClient \\
                     --url URL [--calls N] [--close]

            Opens an MCP session with the MCP Java SDK client and runs N rounds of ping, tools/list, echo,
            slow_count (with progress) and whoami, printing the node that served each whoami (it reports its
            node), the session id and a per-node count. The session stays open, for ContinueSession, unless
            --close is given.

            Options:
              --url URL     MCP endpoint, e.g. http://127.0.0.1:3000/mcp (the load balancer); required
              --calls N     rounds, 1 to 1000; default 5
              --close       end the session (DELETE) when done
              --help        print this text

            Exit codes: 0 done, 1 failed, 2 bad arguments.
            """;

    private static final int COUNT = 3;

    private DemoClient() {
    }

    /** Runs the demo with the process's standard streams and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the demo.
     *
     * @param args the command line; not null
     * @param out  where the results go; not null
     * @param err  where errors and usage go; not null
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(args, USAGE, Set.of("--url", "--calls"), Set.of("--close"), DemoClient::demo, out, err);
    }

    private static int demo(Cli.Args args, PrintStream out) {
        URI url = args.url("--url");
        int calls = args.integer("--calls", 5, 1, 1000);
        args.positionals(0, "no arguments");
        boolean close = args.has("--close");
        List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = McpClient.sync(transport(url, close))
                .clientInfo(McpSchema.Implementation.builder("mcp-state-demo-client", "1").build())
                .requestTimeout(Duration.ofSeconds(30))
                .progressConsumer(progress::add)
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            out.println("initialized through " + url + ": server=" + init.serverInfo().name() + " protocol="
                    + init.protocolVersion());
            NodeTally tally = new NodeTally();
            String session = null;
            for (int i = 1; i <= calls; i++) {
                client.ping();
                int tools = client.listTools().tools().size();
                String echoed = text(client.callTool(tool("echo", Map.of("text", "hello " + i))));
                String token = "demo-" + i;
                String counted = text(client.callTool(CallToolRequest.builder("slow_count")
                        .arguments(Map.of("count", COUNT, "interval_ms", 50)).progressToken(token).build()));
                long steps = progress.stream().filter(p -> token.equals(p.progressToken())).count();
                Whoami who = Whoami.parse(text(client.callTool(tool("whoami", Map.of()))));
                if (session == null) {
                    session = who.session();
                } else if (!session.equals(who.session())) {
                    throw new IllegalStateException("node " + who.node() + " reported session " + who.session()
                            + ", expected " + session);
                }
                tally.add(who.node());
                out.printf("call %d: ping, %d tools, echo=\"%s\", slow_count=\"%s\" (%d/%d progress), whoami -> %s%n",
                        i, tools, echoed, counted, steps, COUNT, who.node());
            }
            out.println("session: " + session);
            out.println("whoami per node: " + tally.summary());
            out.println(close ? "session closed (DELETE)"
                    : "session left open; continue it with: ContinueSession --url " + url + " " + session);
            return Cli.EXIT_OK;
        } finally {
            client.close();
        }
    }

    /**
     * @param closeSession false to skip the DELETE the SDK sends when the client closes, so that the session
     *                     outlives this process
     */
    private static HttpClientStreamableHttpTransport transport(URI url, boolean closeSession) {
        String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/mcp" : url.getRawPath();
        return HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getRawAuthority())
                .endpoint(endpoint)
                .connectTimeout(Duration.ofSeconds(5))
                .asyncHttpRequestCustomizer((builder, method, endpointUri, body, context) ->
                        closeSession || !method.equals("DELETE") ? Mono.just(builder) : Mono.empty())
                .build();
    }

    private static CallToolRequest tool(String name, Map<String, Object> arguments) {
        return CallToolRequest.builder(name).arguments(arguments).build();
    }

    private static String text(CallToolResult result) {
        String text = result.content().isEmpty() || !(result.content().get(0) instanceof McpSchema.TextContent t)
                ? "" : t.text();
        if (Boolean.TRUE.equals(result.isError())) {
            throw new IllegalStateException("tool error: " + text);
        }
        return text;
    }
}
