package dev.mcpstate.store.sidecar;

import dev.mcpstate.store.StoreException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage SPI of the sidecar tools: the atomic operations behind the tools, one method each.
 *
 * <p><b>Tenants.</b> Sidecar state is partitioned into tenants, one per principal: every key, workflow run and its
 * step outputs, lease, saved session, history entry and counter belongs to exactly one tenant, and an instance of
 * this interface is a <em>view</em> of one tenant ({@link #tenant()}). Every method except {@link #resetAll()} reads
 * and writes only that tenant's state: the same key, run id, resource id or session id in two tenants names two
 * independent things, and nothing of another tenant can be read, listed, counted, claimed, released, restored or
 * seen in history through this view. {@link dev.mcpstate.store.Storage#sidecar()} is the view of the
 * <em>anonymous</em> tenant ({@code tenant() == null}): the namespace used before tenants existed, so data written
 * without tenants stays where it was. {@link #forTenant(String)} gives the view of any other tenant on the same
 * storage. Each backend keeps tenants apart in its own layout (a {@code tenant} column in SQLite, one key base and
 * hash slot per tenant in Redis, see {@code RedisKeys#sidecarBase(String)}).
 *
 * <p>Implementations are thread-safe, and every mutating method is atomic across every process that shares
 * the storage (one SQLite file, one Redis): two concurrent claims of one run never both succeed, two concurrent
 * acquisitions of one lease never both succeed. Every mutation appends one {@link HistoryEntry} to the tenant's
 * history in the same atomic step. Time is read only from {@link #clock()}; expiry is exact to the millisecond.
 *
 * <p>Arguments are trusted: the tool layer ({@code dev.mcpstate.sidecar.SidecarTools}) validates them first (non-empty ids, positive
 * durations, JSON text). Values are opaque JSON text, stored and returned unchanged. Expected outcomes (a claim
 * lost, a lease held, a key absent) are return values; every method throws {@link StoreException} (unchecked)
 * on a storage fault and nothing else.
 *
 * <p>Get one from {@link dev.mcpstate.store.Storage#sidecar()}; it and every view derived from it live as long as
 * that storage.
 */
public interface SidecarStore {

    /** @return the backend name reported by health: {@code "sqlite"}, {@code "redis"} or {@code "memory"} */
    String backend();

    /** @return the clock every timestamp and expiry of this store is read from */
    Clock clock();

    // ---------------------------------------------------------------- tenants

    /** @return the tenant this view reads and writes: a principal name, or null for the anonymous tenant */
    String tenant();

    /**
     * The view of another tenant on the same storage (same connections, clock and lifetime; nothing is opened or
     * written). Cheap enough to call once per operation; thread-safe like this view.
     *
     * @param tenant the tenant, normally the caller's principal name; null for the anonymous tenant. Any non-empty
     *     string is a valid name (it is compared exactly, case-sensitively) and is never interpreted
     * @return the view of {@code tenant}; this view when it is already that tenant's
     * @throws IllegalArgumentException when {@code tenant} is the empty string
     */
    SidecarStore forTenant(String tenant);

    // ---------------------------------------------------------------- key-value

    /**
     * Writes a value, optionally only when the key is at an expected version.
     *
     * @param key the key
     * @param valueJson the value as JSON text
     * @param ttl time to live; null for no expiry
     * @param agentId the writer, recorded in history; may be null
     * @param expectedVersion null for an unconditional write; otherwise the write happens only when the key's
     *     current version equals it ({@code 0}: only when the key is absent or expired)
     * @return whether it was written, and the resulting or current version
     */
    SetOutcome put(String key, String valueJson, Duration ttl, String agentId, Long expectedVersion);

    /**
     * @param key the key
     * @return the live entry; empty when absent or expired
     */
    Optional<KvEntry> get(String key);

    /**
     * @param key the key
     * @param agentId the agent deleting, recorded in history; may be null
     * @return true when a live key was removed
     */
    boolean delete(String key, String agentId);

    /**
     * @param prefix the prefix keys must start with; {@code ""} for all
     * @return the live keys with that prefix, in no particular order
     */
    List<String> keys(String prefix);

    // ---------------------------------------------------------------- workflows

    /**
     * Creates a run in status {@link WorkflowStatus#CREATED}.
     *
     * @param runId the new run's id
     * @param name its name
     * @param tags its tags; empty for none
     * @return the run; empty when a run with that id exists already (nothing is changed then)
     */
    Optional<WorkflowRun> createWorkflow(String runId, String name, Map<String, String> tags);

    /** @return every run, newest (most recently created) first */
    List<WorkflowRun> workflows();

    /**
     * @param runId the run id
     * @return the run; empty when unknown
     */
    Optional<WorkflowRun> workflow(String runId);

    /**
     * Claims a run: succeeds when the run is {@link WorkflowStatus#CREATED}, or {@link WorkflowStatus#CLAIMED}
     * or {@link WorkflowStatus#RUNNING} with a claim lease that has lapsed. A successful claim sets the status
     * to {@code CLAIMED}, the agent, and increments the fencing token.
     *
     * @param runId the run id
     * @param agentId the claimer
     * @param leaseTtl how long the claim lasts without a checkpoint; null for a claim that never lapses
     * @return whether the claim succeeded, and the run after the call ({@link RunChange#notFound()} for an
     *     unknown run)
     */
    RunChange claim(String runId, String agentId, Duration leaseTtl);

    /**
     * Stores a step's output (overwriting that step's earlier output), raises {@code lastStep} to
     * {@code max(lastStep, step)}, sets status {@link WorkflowStatus#RUNNING} and extends the claim lease.
     * Refused for a final run, and when {@code agentId} is not null and another agent holds the claim.
     *
     * @param runId the run id
     * @param step the step number, at least 0
     * @param outputJson the output as JSON text
     * @param agentId the agent checkpointing; null to skip the claimer check
     * @return whether it was stored, and the run after the call
     */
    RunChange checkpoint(String runId, int step, String outputJson, String agentId);

    /**
     * Ends a run. Only the agent holding the claim of a {@code CLAIMED} or {@code RUNNING} run may end it.
     *
     * @param runId the run id
     * @param agentId the claimer
     * @param outcome {@link WorkflowStatus#COMPLETED} or {@link WorkflowStatus#FAILED}
     * @param resultJson the result as JSON text for a completed run; may be null
     * @param error the error for a failed run; null for a completed run
     * @return whether the run was ended, and the run after the call
     */
    RunChange finish(String runId, String agentId, WorkflowStatus outcome, String resultJson, String error);

    /**
     * @param runId the run id
     * @return the run and all its step outputs; empty when unknown
     */
    Optional<WorkflowProgress> progress(String runId);

    // ---------------------------------------------------------------- leases

    /**
     * Acquires a lease when the resource has no live lease. A lease held by anyone, the caller included, is
     * not granted again (use {@link #renewLease}).
     *
     * @param resourceId the resource
     * @param holderId the would-be holder
     * @param ttl how long the lease lasts; positive
     * @return the granted lease with a new fencing token, or the blocking lease
     */
    LeaseOutcome acquireLease(String resourceId, String holderId, Duration ttl);

    /**
     * @param resourceId the resource
     * @param holderId the holder
     * @return true when {@code holderId} held a live lease on the resource and it is now released
     */
    boolean releaseLease(String resourceId, String holderId);

    /**
     * Extends a live lease held by {@code holderId} to now + ttl, keeping its fencing token.
     *
     * @param resourceId the resource
     * @param holderId the holder
     * @param ttl the new time to live from now; positive
     * @return the renewed lease, or not granted with the current live lease (null when none)
     */
    LeaseOutcome renewLease(String resourceId, String holderId, Duration ttl);

    // ---------------------------------------------------------------- sessions and history

    /**
     * Saves (replaces) a session context.
     *
     * @param sessionId the session id
     * @param contextJson the context as JSON text
     * @return the saved snapshot
     */
    SessionSnapshot saveSession(String sessionId, String contextJson);

    /**
     * @param sessionId the session id
     * @return the saved context; empty when none
     */
    Optional<SessionSnapshot> restoreSession(String sessionId);

    /**
     * @param key the subject to filter on (see {@link HistoryEntry}); null for all entries
     * @param limit how many entries to return at most; positive
     * @return the newest matching entries, newest first, and how many match in total
     */
    HistoryPage history(String key, int limit);

    // ---------------------------------------------------------------- observability

    /** @return live key and workflow counts of this view's tenant */
    StoreStats stats();

    /**
     * Irreversibly deletes every key, run, step output, lease, session and history entry of this view's tenant
     * (other tenants and the session interceptor's data are not touched), then records one
     * {@link HistoryOps#RESET} entry in the tenant's history. Version, fencing-token and history-id counters
     * survive, so they keep increasing. Atomic.
     *
     * @return how many keys, runs, leases, sessions and history entries of the tenant were deleted
     */
    long reset();

    /**
     * Irreversibly deletes the sidecar state of <em>every</em> tenant, the anonymous one included, as
     * {@link #reset()} does for one (the session interceptor's data is not touched). Each tenant that lost
     * something, and this view's tenant in any case, then has one {@link HistoryOps#RESET} entry in its history
     * holding its own count. Counters survive. Atomic on SQLite and in memory; on Redis each tenant is wiped
     * atomically, one after the other, so a write racing with the call may survive in a tenant wiped before it.
     *
     * @return how many keys, runs, leases, sessions and history entries were deleted, over all tenants
     */
    long resetAll();
}
