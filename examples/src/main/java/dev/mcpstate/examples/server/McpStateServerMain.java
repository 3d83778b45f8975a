package dev.mcpstate.examples.server;

/**
 * {@code java -jar examples/target/mcp-state-server.jar [options]}: runs the example server ({@link ExampleServer})
 * until the process is stopped. Prints one ready line on standard output; {@code --help} prints
 * {@link ServerOptions#USAGE}. Exit codes: 0 after {@code --help}, 2 for bad options, 1 when the server cannot
 * start.
 */
public final class McpStateServerMain {

    private McpStateServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ServerMain.run(args, ServerOptions.USAGE, McpStateServer::start);
    }
}
