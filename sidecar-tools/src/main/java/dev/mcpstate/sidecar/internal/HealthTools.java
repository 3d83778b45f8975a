package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.sidecar.StoreStats;
import dev.mcpstate.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.mcpstate.sidecar.internal.Results.of;

/** Group 5: {@code sidecar_health}, {@code sidecar_reset}. */
final class HealthTools {

    /** The module version, from the build. */
    static final String VERSION = readVersion();

    private final SidecarStore store;
    private final Instant startedAt;

    HealthTools(SidecarStore store) {
        this.store = store;
        this.startedAt = store.clock().instant();
    }

    List<ToolDef> tools() {
        return List.of(
                ToolDef.read("sidecar_health", """
                        Health of the state sidecar: status ("ok", or "unavailable" when storage cannot be \
                        reached), backend (sqlite or redis), uptime in seconds, live key and workflow counts, \
                        version.""",
                        Schema.object(),
                        Schema.object()
                                .required("status", "string", "\"ok\" or \"unavailable\".")
                                .required("backend", "string", "\"sqlite\" or \"redis\".")
                                .required("uptime_s", "number", "Seconds since the tools were mounted.")
                                .required("key_count", "integer?", "Live keys; null when unavailable.")
                                .required("workflow_count", "integer?", "Workflow runs; null when unavailable.")
                                .required("version", "string", "Sidecar version.")
                                .optional("error", "string?", "The storage fault when unavailable."),
                        args -> health()),
                ToolDef.destructive("sidecar_reset", """
                        DANGER: irreversibly delete ALL sidecar state: every key, workflow run, lease, saved \
                        session and history entry. Only use when explicitly asked to wipe everything. Returns \
                        {ok, cleared}.""",
                        Schema.object(),
                        Schema.object()
                                .required("ok", "boolean", "Always true.")
                                .required("cleared", "integer", "How many keys, runs, leases, sessions and history entries were deleted."),
                        args -> of("ok", true, "cleared", store.reset())));
    }

    private Map<String, Object> health() {
        double uptime = (store.clock().millis() - startedAt.toEpochMilli()) / 1000.0;
        try {
            StoreStats stats = store.stats();
            return of("status", "ok", "backend", store.backend(), "uptime_s", uptime,
                    "key_count", stats.keyCount(), "workflow_count", stats.workflowCount(), "version", VERSION);
        } catch (StoreException e) {
            return of("status", "unavailable", "backend", store.backend(), "uptime_s", uptime,
                    "key_count", null, "workflow_count", null, "version", VERSION, "error", e.getMessage());
        }
    }

    private static String readVersion() {
        try (InputStream in = HealthTools.class.getResourceAsStream("/dev/mcpstate/sidecar/sidecar-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
