package dev.mcpstate.store.sidecar;

/** The {@link HistoryEntry#op()} values, one per kind of mutation. */
public final class HistoryOps {
    public static final String STATE_SET = "state_set";
    public static final String STATE_DELETE = "state_delete";
    public static final String WORKFLOW_CREATE = "workflow_create";
    public static final String WORKFLOW_CLAIM = "workflow_claim";
    /** A claim that took over a run whose previous claim had lapsed. */
    public static final String WORKFLOW_RECLAIM = "workflow_reclaim";
    public static final String WORKFLOW_CHECKPOINT = "workflow_checkpoint";
    public static final String WORKFLOW_COMPLETE = "workflow_complete";
    public static final String WORKFLOW_FAIL = "workflow_fail";
    public static final String LEASE_ACQUIRE = "lease_acquire";
    /** An acquisition that took over a lease that had expired without being released. */
    public static final String LEASE_TAKEOVER = "lease_takeover";
    public static final String LEASE_RELEASE = "lease_release";
    public static final String LEASE_RENEW = "lease_renew";
    public static final String SESSION_SAVE = "session_save";
    public static final String RESET = "reset";

    /** History subject prefix of workflow runs. */
    public static final String WORKFLOW_SUBJECT = "workflow:";
    /** History subject prefix of leases. */
    public static final String LEASE_SUBJECT = "lease:";
    /** History subject prefix of sessions. */
    public static final String SESSION_SUBJECT = "session:";

    private HistoryOps() {
    }
}
