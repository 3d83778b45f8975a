package dev.mcpstate.examples.server;

/**
 * {@code java -jar examples/target/mcp-state-server.jar [options]}: runs {@link McpStateServer} until the process
 * is stopped. Prints one ready line on standard output; {@code --help} prints {@link ServerOptions#USAGE}. Exit
 * codes: 0 after {@code --help}, 2 for bad options, 1 when the server cannot start.
 */
public final class McpStateServerMain {

    private McpStateServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(ServerOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(ServerOptions.USAGE);
            return;
        }
        McpStateServer server;
        try {
            server = McpStateServer.start(options);
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
