package dev.mcpstate.examples.conformance;

import dev.mcpstate.examples.server.ServerMain;
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
        ServerMain.run(args, usage(), ConformanceServer::start);
    }

    private static String usage() {
        return ServerOptions.USAGE
                .replace("mcp-state-server.jar", "mcp-state-conformance-server.jar")
                .replace("Tools: echo, slow_count, and the 21 state-sidecar tools.",
                        "Tools, resources and prompts: the fixtures of the MCP conformance suite "
                                + "(docs/CONFORMANCE.md).");
    }
}
