package dev.mcpstate.store.sidecar;

import java.util.Locale;

/**
 * The lifecycle of a workflow run: {@code created → claimed → running → completed | failed}.
 *
 * <p>A run is claimable while {@link #CREATED}, and again while {@link #CLAIMED} or {@link #RUNNING} once
 * its claim lease (if the claimer asked for one) has run out. {@link #COMPLETED} and {@link #FAILED} are
 * final.
 */
public enum WorkflowStatus {
    /** Created, never claimed. */
    CREATED,
    /** Claimed by an agent, no checkpoint since the claim. */
    CLAIMED,
    /** At least one checkpoint was written. */
    RUNNING,
    /** Ended by its claimer with {@code workflow_complete}. */
    COMPLETED,
    /** Ended by its claimer with {@code workflow_fail}. */
    FAILED;

    /** @return the lower-case name used on the wire and in storage, e.g. {@code "created"} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true for {@link #COMPLETED} and {@link #FAILED} */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED;
    }

    /**
     * @param wireName a lower-case status name such as {@code "running"}; not null
     * @return the status
     * @throws IllegalArgumentException when the name is not a status
     */
    public static WorkflowStatus fromWireName(String wireName) {
        for (WorkflowStatus status : values()) {
            if (status.wireName().equals(wireName)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown workflow status: '" + wireName + "'");
    }
}
