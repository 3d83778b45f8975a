package dev.mcpstate.sidecar.server;

import dev.mcpstate.interceptor.ops.LogFormat;

import java.io.PrintStream;
import java.time.Clock;

/**
 * {@code java -jar mcp-state-sidecar.jar [--stdio] [options]}: see {@link SidecarServerConfig#USAGE}.
 *
 * <p>Prints one ready line, {@code mcp-state sidecar ready url=... backend=...} (HTTP, on stdout) or
 * {@code mcp-state sidecar ready transport=stdio backend=...} (stdio, on stderr). Logs always go to stderr, as text or,
 * with {@code --log-format json} ({@code MCP_STATE_LOG_FORMAT=json}), one JSON object per line ({@link LogFormat}).
 * Exit status 2 on a configuration error, 1 when the server cannot start.
 */
public final class SidecarMain {

    /** Logback configuration of the standalone server: everything to stderr. */
    static final String LOGBACK_CONFIG = "dev/mcpstate/sidecar/server/sidecar-logback.xml";

    private SidecarMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        // before any logger exists; only in the standalone server, never when the tools are mounted elsewhere
        try {
            LogFormat.of(args, System.getenv()).apply(LOGBACK_CONFIG);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(SidecarServerConfig.USAGE);
            System.exit(2);
            return;
        }
        SidecarServerConfig config;
        try {
            config = SidecarServerConfig.parse(System.getenv(), args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(SidecarServerConfig.USAGE);
            System.exit(2);
            return;
        }
        if (config.help()) {
            out.println(SidecarServerConfig.USAGE);
            return;
        }
        try {
            if (config.stdio()) {
                SidecarStdio.serve(config, Clock.systemUTC(), System.in, out, () -> err.println(
                        "mcp-state sidecar ready transport=stdio backend=" + config.backendDescription()));
                return;
            }
            SidecarServer server = SidecarServer.start(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sidecar-shutdown"));
            out.println("mcp-state sidecar ready url=" + server.url() + " backend=" + config.backendDescription());
            out.flush();
            server.join();
        } catch (Exception e) {
            err.println("error: the sidecar could not start: " + e.getMessage());
            System.exit(1);
        }
    }
}
