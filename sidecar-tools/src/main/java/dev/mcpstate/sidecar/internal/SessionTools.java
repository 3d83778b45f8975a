package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.sidecar.HistoryEntry;
import dev.mcpstate.store.sidecar.HistoryPage;
import dev.mcpstate.store.sidecar.SessionSnapshot;
import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mcpstate.sidecar.internal.Results.of;
import static dev.mcpstate.sidecar.internal.Results.seconds;

/** Group 4: {@code session_save}, {@code session_restore}, {@code history_log}. */
final class SessionTools {

    private final SidecarOptions options;

    SessionTools(SidecarOptions options) {
        this.options = options;
    }

    List<ToolDef> tools() {
        return List.of(
                ToolDef.write("session_save", """
                        Save an agent's working context (any JSON) under a session id, replacing what was saved \
                        before, so the agent can pick up after a restart. Returns {ok, session_id}.""",
                        Schema.object()
                                .required("session_id", "string", "Your session id.")
                                .required("context", null, "The context to keep: any JSON value."),
                        Schema.object()
                                .required("ok", "boolean", "Always true.")
                                .required("session_id", "string", "The session id.")
                                .optional("saved_at", "number", "Epoch seconds."),
                        this::save),
                ToolDef.read("session_restore", """
                        Load the context saved for a session id. Returns {found, session_id, context}; context is \
                        null when nothing was saved.""",
                        Schema.object().required("session_id", "string", "The session id."),
                        Schema.object()
                                .required("found", "boolean", "True when a context was saved.")
                                .required("session_id", "string", "The session id.")
                                .required("context", null, "The saved context; null when not found.")
                                .optional("saved_at", "number?", "Epoch seconds."),
                        this::restore),
                ToolDef.read("history_log", """
                        The audit log of every change to your principal's state, newest first: \
                        state_set/state_delete (key = the key), workflow ops (key = "workflow:<run_id>"), lease \
                        ops (key = "lease:<resource_id>"), \
                        session_save (key = "session:<session_id>") and sidecar_reset. Filter by key; n is how \
                        many entries (default 10). Returns {entries:[{id, key, op, new_value, previous_value, \
                        agent_id, written_at}], total}.""",
                        Schema.object()
                                .optional("key", "string", "Only entries for this key; omit for all.")
                                .optional("n", "integer", "How many entries, at least 1; default 10, at most "
                                        + options.maxHistoryEntries() + "."),
                        Schema.object()
                                .required("entries", "array", "Entries, newest first.")
                                .required("total", "integer", "How many entries match in total."),
                        this::history));
    }

    private Map<String, Object> save(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String sessionId = args.id("session_id");
        SessionSnapshot saved = store.saveSession(sessionId, args.json("context", true));
        return of("ok", true, "session_id", sessionId, "saved_at", seconds(saved.savedAt()));
    }

    private Map<String, Object> restore(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String sessionId = args.id("session_id");
        Optional<SessionSnapshot> snapshot = store.restoreSession(sessionId);
        return of("found", snapshot.isPresent(), "session_id", sessionId,
                "context", snapshot.map(s -> Json.toPlain(s.contextJson())).orElse(null),
                "saved_at", snapshot.map(s -> seconds(s.savedAt())).orElse(null));
    }

    private Map<String, Object> history(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String key = args.optionalId("key");
        long n = args.integer("n", 1, 10L);
        HistoryPage page = store.history(key, (int) Math.min(n, options.maxHistoryEntries()));
        return of("entries", page.entries().stream().map(SessionTools::entry).toList(), "total", page.total());
    }

    private static Map<String, Object> entry(HistoryEntry e) {
        return of("id", e.id(), "key", e.key(), "op", e.op(), "new_value", Json.toPlain(e.newValueJson()),
                "previous_value", Json.toPlain(e.previousValueJson()), "agent_id", e.agentId(),
                "written_at", seconds(e.writtenAt()));
    }
}
