package dev.mcpstate.store.sidecar;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A run together with every checkpointed step output, what an agent needs to resume it.
 *
 * @param run the run; never null
 * @param stepOutputs step number to output (JSON text), ascending; never null, unmodifiable
 */
public record WorkflowProgress(WorkflowRun run, SortedMap<Integer, String> stepOutputs) {

    public WorkflowProgress(WorkflowRun run, Map<Integer, String> stepOutputs) {
        this(run, Collections.unmodifiableSortedMap(new TreeMap<>(stepOutputs)));
    }
}
