package dev.mcpstate.store.sidecar;

/**
 * The outcome of a conditional change of a workflow run (claim, checkpoint, complete, fail).
 *
 * @param applied true when the change was made
 * @param run the run after the call (changed or not); null when no run has the id
 */
public record RunChange(boolean applied, WorkflowRun run) {

    /** @return the outcome for an unknown run id */
    public static RunChange notFound() {
        return new RunChange(false, null);
    }
}
