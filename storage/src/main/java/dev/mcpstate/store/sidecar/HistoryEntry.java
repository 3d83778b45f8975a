package dev.mcpstate.store.sidecar;

import java.time.Instant;

/**
 * One recorded mutation, in the history of the tenant it changed (see {@link SidecarStore}).
 *
 * <p>{@code key} names the subject: the key itself for {@code state_*} operations, {@code workflow:<run_id>},
 * {@code lease:<resource_id>}, {@code session:<session_id>}; null for {@code reset}. {@code op} is one of
 * {@link HistoryOps}. The values are JSON text: the written and the replaced value for key-value and session
 * operations, the new and the previous status (a JSON string) for workflow status changes,
 * {@code {"step":n,"output":...}} for checkpoints, the new and the previous holder (a JSON string) for leases,
 * {@code {"cleared":n}} for reset.
 *
 * @param id strictly increasing in write order within the tenant's history; positive (ids of different tenants
 *     are unrelated)
 * @param key the subject; null for reset
 * @param op the operation; never null
 * @param newValueJson the value after the operation as JSON text; null when there is none
 * @param previousValueJson the value before the operation as JSON text; null when there was none
 * @param agentId the agent that made the change; null when unknown
 * @param writtenAt when the change was made; never null
 */
public record HistoryEntry(long id, String key, String op, String newValueJson, String previousValueJson,
        String agentId, Instant writtenAt) {
}
