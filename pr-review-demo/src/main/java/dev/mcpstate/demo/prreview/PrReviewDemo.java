package dev.mcpstate.demo.prreview;

import dev.mcpstate.demo.prreview.internal.dashboard.DemoService;
import dev.mcpstate.demo.prreview.internal.web.DashboardServer;
import dev.mcpstate.sidecar.server.SidecarServer;
import dev.mcpstate.sidecar.server.SidecarServerConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * A running PR-review demo: the dashboard (page, JSON API, event stream) on Jetty, its demo session, and — unless
 * {@link DemoOptions#sidecarUrl()} names one — an embedded state sidecar on SQLite, listening on {@code 127.0.0.1}
 * on a free port. The agents it starts are child processes; {@link #close()} stops them.
 *
 * <pre>{@code
 * try (PrReviewDemo demo = PrReviewDemo.start(DemoOptions.parse("--port", "0"))) {
 *     URI page = demo.url();   // http://127.0.0.1:PORT/
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class PrReviewDemo implements AutoCloseable {

    private final SidecarServer embedded;
    private final DemoService demo;
    private final DashboardServer dashboard;
    private final URI sidecarUrl;

    private PrReviewDemo(SidecarServer embedded, URI sidecarUrl, DemoService demo, DashboardServer dashboard) {
        this.embedded = embedded;
        this.sidecarUrl = sidecarUrl;
        this.demo = demo;
        this.dashboard = dashboard;
    }

    /**
     * Starts the sidecar (when embedded), connects to it, and starts the dashboard.
     *
     * @param options the settings; not null
     * @return the running demo
     * @throws Exception when the sidecar cannot be started or reached (a
     *                   {@code dev.mcpstate.demo.prreview.internal.sidecar.SidecarException}), or a port cannot be
     *                   bound; everything started is stopped again
     */
    public static PrReviewDemo start(DemoOptions options) throws Exception {
        Objects.requireNonNull(options, "options");
        SidecarServer embedded = null;
        DemoService demo = null;
        try {
            URI sidecarUrl = options.sidecarUrl();
            if (sidecarUrl == null) {
                embedded = SidecarServer.start(SidecarServerConfig.parse(Map.of(), "--host", "127.0.0.1", "--port",
                        "0", "--db", options.db().toString()), Clock.systemUTC());
                sidecarUrl = embedded.url();
            }
            demo = DemoService.start(sidecarUrl, token(options.sidecarTokenFile()), options.timings(),
                    options.githubApi(), options.githubTimeout(), options.workDir().resolve("agents"),
                    options.statePoll());
            return new PrReviewDemo(embedded, sidecarUrl, demo, DashboardServer.start(options.host(), options.port(), demo));
        } catch (Exception | Error e) {
            if (demo != null) {
                demo.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** @return the dashboard's address, e.g. {@code http://127.0.0.1:8090/} */
    public URI url() {
        return dashboard.url();
    }

    /** @return the first line of the token file, trimmed; null without a file */
    private static String token(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        String token = Files.readAllLines(file).stream().map(String::trim).findFirst().orElse("");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--sidecar-token-file " + file + ": the first line holds no token");
        }
        return token;
    }

    /** @return the sidecar's MCP endpoint: the embedded one, or the one given */
    public URI sidecarUrl() {
        return sidecarUrl;
    }

    /** @return one line for people and scripts: {@code mcp-state-pr-review-demo ready URL sidecar=URL} */
    public String readyLine() {
        return "mcp-state-pr-review-demo ready " + url() + " sidecar=" + sidecarUrl();
    }

    /**
     * Stops the dashboard, the agents and the embedded sidecar, each even when an earlier one fails. Idempotent.
     *
     * @throws IllegalStateException when the dashboard's Jetty fails to stop (the rest is stopped anyway)
     */
    @Override
    public void close() {
        try {
            dashboard.close();
        } finally {
            demo.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
