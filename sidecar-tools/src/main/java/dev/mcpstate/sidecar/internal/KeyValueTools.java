package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.sidecar.KvEntry;
import dev.mcpstate.store.sidecar.SetOutcome;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mcpstate.sidecar.internal.Results.of;
import static dev.mcpstate.sidecar.internal.Results.seconds;

/** Group 1: {@code state_set}, {@code state_get}, {@code state_delete}, {@code state_list}. */
final class KeyValueTools {

    List<ToolDef> tools() {
        return List.of(
                ToolDef.write("state_set", """
                        Store any JSON value under a key, shared by every agent calling as your principal. Optional \
                        ttl_seconds makes the key expire (fractions allowed, millisecond precision). Optional \
                        expected_version makes it a compare-and-set: the write happens only if the key's current \
                        version (from state_get; 0 = key absent) equals it, otherwise ok=false with the current \
                        version. Returns {ok, key, version}.""",
                        Schema.object()
                                .required("key", "string", "The key, e.g. \"project/config\". Non-empty.")
                                .required("value", null, "Any JSON value: object, array, string, number, boolean or null.")
                                .optional("ttl_seconds", "number", "Seconds until the key expires; positive. Omit to keep it forever.")
                                .optional("agent_id", "string", "Who is writing; recorded in history_log.")
                                .optional("expected_version", "integer", "Write only if the key is at this version (0 = absent)."),
                        Schema.object()
                                .required("ok", "boolean", "True when the value was written.")
                                .required("key", "string", "The key.")
                                .required("version", "integer", "The new version when written, otherwise the current one (0 = absent).")
                                .optional("reason", "string?", "Why the write was refused."),
                        this::set),
                ToolDef.read("state_get", """
                        Read the JSON value stored under a key. A missing or expired key gives found=false and \
                        value=null. Returns {key, value, found, version, expires_at}.""",
                        Schema.object().required("key", "string", "The key. Non-empty."),
                        Schema.object()
                                .required("key", "string", "The key.")
                                .required("value", null, "The stored JSON value; null when not found.")
                                .required("found", "boolean", "True when the key exists and has not expired.")
                                .required("version", "integer", "The value's version for expected_version; 0 when not found.")
                                .optional("expires_at", "number?", "Expiry as epoch seconds; null when it never expires."),
                        this::get),
                ToolDef.destructive("state_delete", """
                        Delete a key. Returns {ok}: true when a live key was removed, false when it did not exist \
                        or had expired.""",
                        Schema.object()
                                .required("key", "string", "The key. Non-empty.")
                                .optional("agent_id", "string", "Who is deleting; recorded in history_log."),
                        Schema.object()
                                .required("ok", "boolean", "True when a live key was removed.")
                                .required("key", "string", "The key."),
                        this::delete),
                ToolDef.read("state_list", """
                        List your principal's live (unexpired) keys, optionally only those starting with a \
                        prefix, sorted ascending. Returns {keys}.""",
                        Schema.object().optional("prefix", "string", "Only keys starting with this; omit for all."),
                        Schema.object().required("keys", "array", "The keys, sorted ascending."),
                        this::list));
    }

    private Map<String, Object> set(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String key = args.id("key");
        String value = args.json("value", true);
        Duration ttl = args.optionalTtl("ttl_seconds");
        String agentId = args.optionalId("agent_id");
        Long expected = args.optionalInteger("expected_version", 0);
        SetOutcome outcome = store.put(key, value, ttl, agentId, expected);
        Map<String, Object> result = of("ok", outcome.written(), "key", key, "version", outcome.version());
        if (!outcome.written()) {
            result.put("reason", "Version mismatch: expected " + expected + ", current " + outcome.version());
        }
        return result;
    }

    private Map<String, Object> get(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String key = args.id("key");
        Optional<KvEntry> entry = store.get(key);
        return of("key", key,
                "value", entry.map(e -> Json.toPlain(e.valueJson())).orElse(null),
                "found", entry.isPresent(),
                "version", entry.map(KvEntry::version).orElse(0L),
                "expires_at", entry.map(e -> seconds(e.expiresAt())).orElse(null));
    }

    private Map<String, Object> delete(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String key = args.id("key");
        return of("ok", store.delete(key, args.optionalId("agent_id")), "key", key);
    }

    private Map<String, Object> list(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        return of("keys", store.keys(args.prefix("prefix")).stream().sorted().toList());
    }
}
