package dev.mcpstate.examples.server;

import dev.mcpstate.interceptor.ops.LogFormat;

/**
 * Runs an {@link McpStateServer} from the command line until the process is stopped: parses
 * {@link ServerOptions} (flags and environment), prints one ready line on standard output, stops cleanly on
 * SIGTERM. Logs go to standard error, as text or, with {@code --log-format json} ({@code MCP_STATE_LOG_FORMAT=json}),
 * one JSON object per line ({@link LogFormat}), chosen before the first logger exists. Exit codes: 0 after {@code --help}, 2 for bad options, 1 when the server cannot start.
 */
public final class ServerMain {

    /** Starts a server from parsed options. */
    @FunctionalInterface
    public interface Starter {
        McpStateServer start(ServerOptions options) throws Exception;
    }

    private ServerMain() {
    }

    /**
     * @param args    command-line arguments; not null
     * @param usage   the {@code --help} text; not null
     * @param starter starts the server; not null
     */
    public static void run(String[] args, String usage, Starter starter) throws Exception {
        try {
            LogFormat.of(args, System.getenv()).apply(null); // text: the jar's logback.xml
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(usage);
            System.exit(2);
            return;
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(usage);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(usage);
            return;
        }
        McpStateServer server;
        try {
            server = starter.start(options);
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
        }, "mcp-state-server-stop"));
        System.out.println(server.readyLine());
        System.out.flush();
        server.join();
    }
}
