package dev.mcpstate.store.sidecar;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one workflow run.
 *
 * @param runId the id, {@code wf-} followed by 12 lower-case hex digits; never null
 * @param name the name given at creation; never null
 * @param status the status; never null
 * @param tags the tags given at creation; never null, unmodifiable
 * @param agentId the agent that holds (or last held) the claim; null when never claimed
 * @param lastStep the highest step checkpointed; null before the first checkpoint
 * @param fencingToken the number of successful claims of this run so far: {@code 0} before the first claim,
 *     then strictly increasing with every claim, so work done under an older claim can be rejected
 * @param claimExpiresAt when the current claim lapses unless the claimer checkpoints; null when the claim
 *     has no lease (it never lapses) or the run is unclaimed or final
 * @param resultJson the output given to {@code workflow_complete}, as JSON text; null otherwise
 * @param error the error given to {@code workflow_fail}; null otherwise
 * @param createdAt creation time; never null
 * @param updatedAt time of the last change; never null
 */
public record WorkflowRun(String runId, String name, WorkflowStatus status, Map<String, String> tags,
        String agentId, Integer lastStep, long fencingToken, Instant claimExpiresAt, String resultJson,
        String error, Instant createdAt, Instant updatedAt) {

    public WorkflowRun {
        tags = Map.copyOf(tags);
    }
}
