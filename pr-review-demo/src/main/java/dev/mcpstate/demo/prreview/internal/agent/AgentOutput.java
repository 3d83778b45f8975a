package dev.mcpstate.demo.prreview.internal.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.Map;

/**
 * What an agent tells the dashboard that started it: one JSON object per line on standard output, each with a
 * {@code type}:
 *
 * <ul>
 *   <li>{@code {"type":"ready","agent_id","kind","pid"}} once connected to the sidecar;</li>
 *   <li>{@code {"type":"tool","agent_id","tool","args","result","error","ms"}} for every sidecar call;</li>
 *   <li>{@code {"type":"event","agent_id","event","run_id","message"}} for what it decided (events:
 *       {@code claim_won}, {@code claim_lost}, {@code slot_taken}, {@code recovery}, {@code checkpoint},
 *       {@code checkpoint_refused}, {@code complete}, {@code slot_lost}, {@code error});</li>
 *   <li>{@code {"type":"exit","agent_id","reason"}} before it exits on its own.</li>
 * </ul>
 *
 * <p>Thread-safe: lines never interleave.
 */
final class AgentOutput {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final PrintStream out;
    private final String agentId;

    AgentOutput(PrintStream out, String agentId) {
        this.out = out;
        this.agentId = agentId;
    }

    void ready(String kind, long pid) {
        write(line("ready").put("kind", kind).put("pid", pid));
    }

    void tool(String tool, Map<String, Object> args, JsonNode result, boolean error, long millis) {
        ObjectNode line = line("tool").put("tool", tool);
        line.set("args", JSON.valueToTree(args));
        line.set("result", result);
        write(line.put("error", error).put("ms", millis));
    }

    void event(String event, String runId, String message) {
        write(line("event").put("event", event).put("run_id", runId).put("message", message));
    }

    void exit(String reason) {
        write(line("exit").put("reason", reason));
    }

    private ObjectNode line(String type) {
        return JSON.createObjectNode().put("type", type).put("agent_id", agentId);
    }

    private synchronized void write(ObjectNode line) {
        out.println(line.toString());
        out.flush();
    }
}
