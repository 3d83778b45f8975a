package dev.mcpstate.store.internal;

import dev.mcpstate.store.sidecar.WorkflowRun;
import dev.mcpstate.store.sidecar.WorkflowStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * The workflow state machine's guards, for backends that run them in Java (the Redis backend runs the same
 * rules inside its Lua scripts {@code wf_claim.lua}, {@code wf_checkpoint.lua} and {@code wf_finish.lua}).
 */
public final class WorkflowRules {

    private WorkflowRules() {
    }

    /**
     * A run can be claimed when it was never claimed, when it is in progress without a claimer, or when the
     * claimer's lease has lapsed.
     */
    public static boolean claimable(WorkflowRun run, Instant now) {
        if (run.status() == WorkflowStatus.CREATED) {
            return true;
        }
        if (!inProgress(run)) {
            return false;
        }
        return run.agentId() == null || (run.claimExpiresAt() != null && !run.claimExpiresAt().isAfter(now));
    }

    /** A checkpoint is refused on a final run, and when the caller names itself and another agent holds it. */
    public static boolean checkpointAllowed(WorkflowRun run, String agentId) {
        if (run.status().isFinal()) {
            return false;
        }
        return agentId == null || run.agentId() == null || run.agentId().equals(agentId);
    }

    /** Only the claimer of a claimed or running run may complete or fail it. */
    public static boolean finishAllowed(WorkflowRun run, String agentId) {
        return inProgress(run) && Objects.equals(run.agentId(), agentId);
    }

    /** @return true for {@code claimed} and {@code running} */
    public static boolean inProgress(WorkflowRun run) {
        return run.status() == WorkflowStatus.CLAIMED || run.status() == WorkflowStatus.RUNNING;
    }
}
