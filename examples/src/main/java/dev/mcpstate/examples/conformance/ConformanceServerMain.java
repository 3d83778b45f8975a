package dev.mcpstate.examples.conformance;

import dev.mcpstate.examples.server.ServerOptions;

/**
 * {@code java -jar examples/target/mcp-state-conformance-server.jar [options]}: runs {@link ConformanceServer}
 * until the process is stopped. Takes the example server's options ({@link ServerOptions#USAGE}); prints one
 * ready line ({@code mcp-state-conformance-server ready: url=… store=… node=…}) on standard output. Exit codes:
 * 0 after {@code --help}, 2 for bad options, 1 when the server cannot start.
 */
public final class ConformanceServerMain {

    private ConformanceServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(usage());
            return;
        }
        ConformanceServer server;
        try {
            server = ConformanceServer.start(options);
        } catch (Exception e) {
            System.err.println("error: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e.getMessage());
            }
        }, "conformance-server-stop"));
        System.out.println(server.readyLine());
        System.out.flush();
        server.join();
    }

    private static String usage() {
        return ServerOptions.USAGE
                .replace("mcp-state-server.jar", "mcp-state-conformance-server.jar")
                .replace("Tools: echo, slow_count, and the 21 state-sidecar tools.",
                        "Tools, resources and prompts: the fixtures of the MCP conformance suite "
                                + "(docs/CONFORMANCE.md).");
    }
}
