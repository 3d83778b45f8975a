package dev.mcpstate.sidecar.internal;

import dev.mcpstate.sidecar.SidecarCaller;
import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.sidecar.StoreStats;
import dev.mcpstate.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.mcpstate.sidecar.internal.Results.of;

/**
 * Group 5: {@code sidecar_health} (of the caller's tenant), {@code sidecar_reset}: an admin's wipes every tenant;
 * an anonymous caller's, when {@link SidecarOptions#allowAnonymousReset()}, wipes the anonymous tenant; everybody
 * else is refused with a tool error and nothing deleted.
 */
final class HealthTools {

    private static final Logger log = LoggerFactory.getLogger(HealthTools.class);

    /** The module version, from the build. */
    static final String VERSION = readVersion();

    private final Instant startedAt;
    private final boolean allowAnonymousReset;

    HealthTools(SidecarStore store, SidecarOptions options) {
        this.startedAt = store.clock().instant();
        this.allowAnonymousReset = options.allowAnonymousReset();
    }

    List<ToolDef> tools() {
        return List.of(
                ToolDef.read("sidecar_health", """
                        Health of the state sidecar: status ("ok", or "unavailable" when storage cannot be \
                        reached), backend (sqlite or redis), uptime in seconds, live key and workflow counts of \
                        your principal's state, version.""",
                        Schema.object(),
                        Schema.object()
                                .required("status", "string", "\"ok\" or \"unavailable\".")
                                .required("backend", "string", "\"sqlite\" or \"redis\".")
                                .required("uptime_s", "number", "Seconds since the tools were mounted.")
                                .required("key_count", "integer?", "Your live keys; null when unavailable.")
                                .required("workflow_count", "integer?", "Your workflow runs; null when unavailable.")
                                .required("version", "string", "Sidecar version.")
                                .optional("error", "string?", "The storage fault when unavailable."),
                        call -> health(call.store())),
                ToolDef.destructive("sidecar_reset", """
                        DANGER: irreversibly delete sidecar state: every key, workflow run, lease, saved session \
                        and history entry. Only for admin principals, and then it wipes EVERY principal's state; \
                        an anonymous caller only when the server allows it, and then it wipes the anonymous \
                        state. Anyone else gets an error and nothing is deleted. Only use when explicitly asked \
                        to wipe everything. Returns {ok, cleared, scope}.""",
                        Schema.object(),
                        Schema.object()
                                .required("ok", "boolean", "Always true.")
                                .required("cleared", "integer", "How many keys, runs, leases, sessions and history entries were deleted.")
                                .optional("scope", "string", "\"all\" (every principal's state) or \"anonymous\" (the anonymous state)."),
                        this::reset));
    }

    private Map<String, Object> reset(ToolCall call) {
        SidecarCaller caller = call.caller();
        if (caller.admin()) {
            long cleared = call.store().resetAll();
            log.info("sidecar_reset of every tenant by admin principal={} cleared={}", caller.principal(), cleared);
            return of("ok", true, "cleared", cleared, "scope", "all");
        }
        if (caller.anonymous() && allowAnonymousReset) {
            long cleared = call.store().reset();
            log.info("sidecar_reset of the anonymous tenant by an anonymous caller cleared={}", cleared);
            return of("ok", true, "cleared", cleared, "scope", "anonymous");
        }
        log.info("sidecar_reset refused principal={}", caller.anonymous() ? "(anonymous)" : caller.principal());
        throw new ToolError(caller.anonymous()
                ? "sidecar_reset refused: anonymous callers may not reset the sidecar unless the server allows it "
                        + "(SidecarOptions.allowAnonymousReset, --allow-reset); nothing was deleted"
                : "sidecar_reset refused: principal '" + caller.principal() + "' is not an admin; only admin "
                        + "principals may reset the sidecar; nothing was deleted");
    }

    private Map<String, Object> health(SidecarStore store) {
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
