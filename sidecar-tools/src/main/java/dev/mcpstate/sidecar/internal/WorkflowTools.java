package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.sidecar.RunChange;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.sidecar.WorkflowProgress;
import dev.mcpstate.store.sidecar.WorkflowRun;
import dev.mcpstate.store.sidecar.WorkflowStatus;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mcpstate.sidecar.internal.Results.of;
import static dev.mcpstate.sidecar.internal.Results.seconds;

/**
 * Group 2: the workflow tools, plus the extensions {@code workflow_complete} and {@code workflow_fail}. Builds
 * every reason text from the run the store returns, so both backends answer alike.
 */
final class WorkflowTools {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String STATUSES = "created, claimed, running, completed, failed";

    List<ToolDef> tools() {
        Schema runId = Schema.object().required("run_id", "string", "The run id, e.g. \"wf-3f9a1c2b7d4e\".");
        return List.of(
                ToolDef.write("workflow_create", """
                        Create a workflow run that agents can discover, claim, checkpoint and resume. Returns \
                        {run_id, name, status:"created"}; run_id looks like "wf-" plus 12 hex digits.""",
                        Schema.object()
                                .required("name", "string", "A name for the run, e.g. \"nightly-report\".")
                                .stringMap("tags", false, "Labels to find the run by, e.g. {\"team\":\"search\"}."),
                        Schema.object()
                                .required("run_id", "string", "The new run's id.")
                                .required("name", "string", "The name.")
                                .required("status", "string", "Always \"created\".")
                                .required("tags", "object", "The tags.")
                                .required("created_at", "number", "Creation time, epoch seconds."),
                        this::create),
                ToolDef.read("workflow_discover", """
                        Find runs whose tags contain ALL given tags (exact match) and, optionally, with a given \
                        status (created, claimed, running, completed, failed). Newest first. Returns {runs}, each \
                        run's meta.""",
                        Schema.object()
                                .stringMap("tags", false, "Tags every returned run must have.")
                                .optional("status", "string", "Only runs with this status: " + STATUSES + "."),
                        runsSchema(), this::discover),
                ToolDef.write("workflow_claim", """
                        Claim a run for an agent. Atomic: when several agents claim the same run exactly one \
                        wins; the others get claimed=false and a reason naming the run's status. With \
                        lease_ttl_seconds the claim lapses if the claimer does not checkpoint within that time, \
                        and another agent can claim the run again. Returns {claimed, run_id, agent_id, reason, \
                        fencing_token}; fencing_token grows with every successful claim of the run.""",
                        Schema.object()
                                .required("run_id", "string", "The run to claim.")
                                .required("agent_id", "string", "The claiming agent.")
                                .optional("lease_ttl_seconds", "number", "Claim lapses after this many seconds without a checkpoint; omit for a claim that never lapses."),
                        Schema.object()
                                .required("claimed", "boolean", "True when this agent now holds the run.")
                                .required("run_id", "string", "The run.")
                                .required("agent_id", "string", "The agent that asked.")
                                .required("reason", "string?", "Why the claim failed; null on success.")
                                .optional("status", "string?", "The run's status after the call; null when not found.")
                                .optional("fencing_token", "integer?", "The claim's fencing token; null when not claimed.")
                                .optional("claim_expires_at", "number?", "When the claim lapses without a checkpoint, epoch seconds."),
                        this::claim),
                ToolDef.write("workflow_checkpoint", """
                        Save the output of a step of a run (same step again overwrites it). Sets the run \
                        running and last_step = max(last_step, step); renews the claim lease. Pass agent_id to \
                        be refused (ok=false) when another agent holds the claim. Returns {ok, run_id, step}.""",
                        Schema.object()
                                .required("run_id", "string", "The run.")
                                .required("step", "integer", "The step number, 0 or more.")
                                .required("output", null, "The step's output: any JSON value.")
                                .optional("agent_id", "string", "The checkpointing agent; when set, only the claimer may checkpoint."),
                        Schema.object()
                                .required("ok", "boolean", "True when the output was saved.")
                                .required("run_id", "string", "The run.")
                                .required("step", "integer", "The step.")
                                .optional("reason", "string?", "Why it was refused.")
                                .optional("last_step", "integer?", "The run's highest checkpointed step.")
                                .optional("status", "string?", "The run's status after the call."),
                        this::checkpoint),
                ToolDef.read("workflow_resume", """
                        Everything needed to continue a run: its last step, every step's output and its meta. \
                        Returns {run_id, last_step, step_outputs:{"<step>": output}, meta}. Unknown run: error.""",
                        runId,
                        Schema.object()
                                .required("run_id", "string", "The run.")
                                .required("last_step", "integer?", "Highest checkpointed step; null before the first.")
                                .required("step_outputs", "object", "Step number (as a string) to output.")
                                .required("meta", "object", "The run's meta."),
                        this::resume),
                ToolDef.read("workflow_status", """
                        The status of a run. Returns {run_id, status, last_step, agent_id, created_at, \
                        updated_at}. Unknown run: error.""",
                        runId,
                        Schema.object()
                                .required("run_id", "string", "The run.")
                                .required("status", "string", "One of " + STATUSES + ".")
                                .required("last_step", "integer?", "Highest checkpointed step; null before the first.")
                                .required("agent_id", "string?", "The claimer; null when never claimed.")
                                .required("created_at", "number", "Epoch seconds.")
                                .required("updated_at", "number", "Epoch seconds.")
                                .optional("fencing_token", "integer", "Number of claims so far.")
                                .optional("claim_expires_at", "number?", "When the claim lapses, epoch seconds."),
                        this::status),
                ToolDef.read("workflow_list", "All runs of your principal, newest first. Returns {runs}, each run's meta.",
                        Schema.object(), runsSchema(), call -> runs(call.store().workflows())),
                ToolDef.write("workflow_complete", """
                        Mark a claimed or running run completed, with an optional final output. Only the agent \
                        holding the claim may do this; otherwise ok=false with a reason. Returns {ok, run_id, \
                        status, reason}.""",
                        Schema.object()
                                .required("run_id", "string", "The run.")
                                .required("agent_id", "string", "The claimer.")
                                .optional("output", null, "The run's final result: any JSON value."),
                        finishSchema(), this::complete),
                ToolDef.write("workflow_fail", """
                        Mark a claimed or running run failed with an error message. Only the agent holding the \
                        claim may do this; otherwise ok=false with a reason. Returns {ok, run_id, status, \
                        reason}.""",
                        Schema.object()
                                .required("run_id", "string", "The run.")
                                .required("agent_id", "string", "The claimer.")
                                .required("error", "string", "What went wrong."),
                        finishSchema(), this::fail));
    }

    private static Schema runsSchema() {
        return Schema.object().required("runs", "array",
                "Run metas {run_id, name, status, tags, agent_id, last_step, created_at, updated_at}, newest first.");
    }

    private static Schema finishSchema() {
        return Schema.object()
                .required("ok", "boolean", "True when the run was ended.")
                .required("run_id", "string", "The run.")
                .required("status", "string?", "The run's status after the call; null when not found.")
                .required("reason", "string?", "Why it was refused; null on success.");
    }

    private Map<String, Object> create(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String name = args.id("name");
        Map<String, String> tags = args.tags("tags");
        while (true) {
            String runId = "wf-" + HexFormat.of().formatHex(randomBytes(6));
            Optional<WorkflowRun> run = store.createWorkflow(runId, name, tags);
            if (run.isPresent()) {
                return of("run_id", runId, "name", name, "status", run.get().status().wireName(),
                        "tags", run.get().tags(), "created_at", seconds(run.get().createdAt()));
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private Map<String, Object> discover(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        Map<String, String> tags = args.tags("tags");
        String status = args.optionalId("status");
        WorkflowStatus wanted = status == null ? null : parseStatus(status);
        return runs(store.workflows().stream()
                .filter(run -> wanted == null || run.status() == wanted)
                .filter(run -> run.tags().entrySet().containsAll(tags.entrySet()))
                .toList());
    }

    private static WorkflowStatus parseStatus(String status) {
        try {
            return WorkflowStatus.fromWireName(status);
        } catch (IllegalArgumentException e) {
            throw new ToolError("status must be one of " + STATUSES + ", was: '" + status + "'");
        }
    }

    private Map<String, Object> claim(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String runId = args.id("run_id");
        String agentId = args.id("agent_id");
        RunChange change = store.claim(runId, agentId, args.optionalTtl("lease_ttl_seconds"));
        WorkflowRun run = change.run();
        return of("claimed", change.applied(), "run_id", runId, "agent_id", agentId,
                "reason", change.applied() ? null : refusal(runId, run, agentId),
                "status", run == null ? null : run.status().wireName(),
                "fencing_token", change.applied() ? run.fencingToken() : null,
                "claim_expires_at", run == null ? null : seconds(run.claimExpiresAt()));
    }

    private Map<String, Object> checkpoint(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String runId = args.id("run_id");
        long rawStep = args.integer("step", 0, null);
        if (rawStep > Integer.MAX_VALUE) {
            throw new ToolError("step must be at most " + Integer.MAX_VALUE + ", was: " + rawStep);
        }
        int step = (int) rawStep;
        String output = args.json("output", true);
        String agentId = args.optionalId("agent_id");
        RunChange change = store.checkpoint(runId, step, output, agentId);
        WorkflowRun run = change.run();
        return of("ok", change.applied(), "run_id", runId, "step", step,
                "reason", change.applied() ? null : refusal(runId, run, agentId),
                "last_step", run == null ? null : run.lastStep(),
                "status", run == null ? null : run.status().wireName());
    }

    private Map<String, Object> complete(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String runId = args.id("run_id");
        String agentId = args.id("agent_id");
        String output = args.json("output", false);
        return finished(runId, agentId, store.finish(runId, agentId, WorkflowStatus.COMPLETED, output, null));
    }

    private Map<String, Object> fail(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String runId = args.id("run_id");
        String agentId = args.id("agent_id");
        String error = args.text("error");
        return finished(runId, agentId, store.finish(runId, agentId, WorkflowStatus.FAILED, null, error));
    }

    private static Map<String, Object> finished(String runId, String agentId, RunChange change) {
        WorkflowRun run = change.run();
        return of("ok", change.applied(), "run_id", runId,
                "status", run == null ? null : run.status().wireName(),
                "reason", change.applied() ? null : refusal(runId, run, agentId));
    }

    /** Why a change of {@code run} by {@code agentId} was refused; names the run's status. */
    private static String refusal(String runId, WorkflowRun run, String agentId) {
        if (run == null) {
            return "Run '" + runId + "' not found";
        }
        String status = run.status().wireName();
        if (run.status().isFinal() || run.agentId() == null) {
            return "Run is '" + status + "'";
        }
        if (run.agentId().equals(agentId)) {
            return "Run is '" + status + "', already claimed by '" + agentId + "'";
        }
        return "Run is '" + status + "', claimed by '" + run.agentId() + "'";
    }

    private Map<String, Object> resume(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String runId = args.id("run_id");
        WorkflowProgress progress = store.progress(runId).orElseThrow(() -> notFound(runId));
        Map<String, Object> outputs = new LinkedHashMap<>();
        progress.stepOutputs().forEach((step, output) -> outputs.put(Integer.toString(step), Json.toPlain(output)));
        return of("run_id", runId, "last_step", progress.run().lastStep(), "step_outputs", outputs,
                "meta", meta(progress.run()));
    }

    private Map<String, Object> status(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String runId = args.id("run_id");
        WorkflowRun run = store.workflow(runId).orElseThrow(() -> notFound(runId));
        return of("run_id", runId, "status", run.status().wireName(), "last_step", run.lastStep(),
                "agent_id", run.agentId(), "created_at", seconds(run.createdAt()),
                "updated_at", seconds(run.updatedAt()), "fencing_token", run.fencingToken(),
                "claim_expires_at", seconds(run.claimExpiresAt()));
    }

    private static ToolError notFound(String runId) {
        return new ToolError("Workflow run '" + runId + "' not found");
    }

    private static Map<String, Object> runs(List<WorkflowRun> runs) {
        return of("runs", runs.stream().map(WorkflowTools::meta).toList());
    }

    /** A run's meta: the contract's fields, then the extensions. */
    static Map<String, Object> meta(WorkflowRun run) {
        return of("run_id", run.runId(), "name", run.name(), "status", run.status().wireName(),
                "tags", run.tags(), "agent_id", run.agentId(), "last_step", run.lastStep(),
                "created_at", seconds(run.createdAt()), "updated_at", seconds(run.updatedAt()),
                "fencing_token", run.fencingToken(), "claim_expires_at", seconds(run.claimExpiresAt()),
                "result", Json.toPlain(run.resultJson()), "error", run.error());
    }
}
