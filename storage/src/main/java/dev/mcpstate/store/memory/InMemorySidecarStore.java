package dev.mcpstate.store.memory;

import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.internal.WorkflowRules;
import dev.mcpstate.store.sidecar.HistoryEntry;
import dev.mcpstate.store.sidecar.HistoryOps;
import dev.mcpstate.store.sidecar.HistoryPage;
import dev.mcpstate.store.sidecar.KvEntry;
import dev.mcpstate.store.sidecar.Lease;
import dev.mcpstate.store.sidecar.LeaseOutcome;
import dev.mcpstate.store.sidecar.RunChange;
import dev.mcpstate.store.sidecar.SessionSnapshot;
import dev.mcpstate.store.sidecar.SetOutcome;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.sidecar.StoreStats;
import dev.mcpstate.store.sidecar.WorkflowProgress;
import dev.mcpstate.store.sidecar.WorkflowRun;
import dev.mcpstate.store.sidecar.WorkflowStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link SidecarStore} in memory, with the semantics of the SQLite store (the same {@link WorkflowRules}, history
 * entries and counters). Each tenant has its own {@link Space} of maps; the views of one storage share one
 * {@link Root}. Thread-safe: every operation of every view runs under the root's one lock, so each is atomic
 * ({@link #resetAll()} included); never throws {@link dev.mcpstate.store.StoreException}.
 */
final class InMemorySidecarStore implements SidecarStore {

    /** The state of one tenant. */
    private static final class Space {
        final Map<String, KvEntry> kv = new HashMap<>();
        /** Insertion order is creation order. */
        final LinkedHashMap<String, WorkflowRun> runs = new LinkedHashMap<>();
        final Map<String, Long> claimTtls = new HashMap<>();
        final Map<String, Map<Integer, String>> steps = new HashMap<>();
        final Map<String, Lease> leases = new HashMap<>();
        final Map<String, SessionSnapshot> sessions = new HashMap<>();
        final TreeMap<Long, HistoryEntry> history = new TreeMap<>();
        final Map<String, Long> counters = new HashMap<>();

        long next(String counter) {
            return counters.merge(counter, 1L, Long::sum);
        }

        void log(String key, String op, String newValue, String previousValue, String agentId, long now) {
            long id = next("history");
            history.put(id, new HistoryEntry(id, key, op, newValue, previousValue, agentId, Instant.ofEpochMilli(now)));
        }

        long size() {
            return kv.size() + runs.size() + leases.size() + sessions.size() + history.size();
        }

        /** Empties everything but the counters. */
        void clear() {
            kv.clear();
            runs.clear();
            claimTtls.clear();
            steps.clear();
            leases.clear();
            sessions.clear();
            history.clear();
        }
    }

    /** What the views of one storage share: the clock and every tenant's space; its monitor is the one lock. */
    private static final class Root {
        final Clock clock;
        /** By tenant; {@code ""} is the anonymous tenant (named tenants are never empty). */
        final Map<String, Space> spaces = new HashMap<>();

        Root(Clock clock) {
            this.clock = clock;
        }
    }

    private final Root root;
    private final String tenant;
    private final Clock clock;
    private final Space space;
    private final Map<String, KvEntry> kv;
    private final LinkedHashMap<String, WorkflowRun> runs;
    private final Map<String, Long> claimTtls;
    private final Map<String, Map<Integer, String>> steps;
    private final Map<String, Lease> leases;
    private final Map<String, SessionSnapshot> sessions;
    private final TreeMap<Long, HistoryEntry> history;

    /** The anonymous tenant's view of a new, empty store. */
    InMemorySidecarStore(Clock clock) {
        this(new Root(Objects.requireNonNull(clock, "clock must not be null")), null);
    }

    private InMemorySidecarStore(Root root, String tenant) {
        this.root = root;
        this.tenant = tenant;
        this.clock = root.clock;
        synchronized (root) {
            this.space = root.spaces.computeIfAbsent(tenant == null ? "" : tenant, t -> new Space());
        }
        this.kv = space.kv;
        this.runs = space.runs;
        this.claimTtls = space.claimTtls;
        this.steps = space.steps;
        this.leases = space.leases;
        this.sessions = space.sessions;
        this.history = space.history;
    }

    @Override
    public String backend() {
        return "memory";
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public SidecarStore forTenant(String tenant) {
        if (tenant != null && tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant must be null (anonymous) or non-empty");
        }
        return Objects.equals(tenant, this.tenant) ? this : new InMemorySidecarStore(root, tenant);
    }

    private long next(String counter) {
        return space.next(counter);
    }

    private void log(String key, String op, String newValue, String previousValue, String agentId, long now) {
        space.log(key, op, newValue, previousValue, agentId, now);
    }

    // ---------------------------------------------------------------- key-value

    private Optional<KvEntry> live(String key, long now) {
        KvEntry entry = kv.get(key);
        if (entry != null && entry.expiresAt() != null && entry.expiresAt().toEpochMilli() <= now) {
            kv.remove(key);
            entry = null;
        }
        return Optional.ofNullable(entry);
    }

    @Override
    public SetOutcome put(String key, String valueJson, Duration ttl, String agentId,
            Long expectedVersion) {
        synchronized (root) {
            long now = clock.millis();
            Optional<KvEntry> current = live(key, now);
            long currentVersion = current.map(KvEntry::version).orElse(0L);
            if (expectedVersion != null && expectedVersion != currentVersion) {
                return new SetOutcome(false, currentVersion);
            }
            long version = next("revision");
            Instant expiresAt = ttl == null ? null : Instant.ofEpochMilli(now + ttl.toMillis());
            kv.put(key, new KvEntry(key, valueJson, version, expiresAt));
            log(key, HistoryOps.STATE_SET, valueJson, current.map(KvEntry::valueJson).orElse(null), agentId, now);
            return new SetOutcome(true, version);
        }
    }

    @Override
    public Optional<KvEntry> get(String key) {
        synchronized (root) {
            return live(key, clock.millis());
        }
    }

    @Override
    public boolean delete(String key, String agentId) {
        synchronized (root) {
            long now = clock.millis();
            Optional<KvEntry> current = live(key, now);
            kv.remove(key);
            if (current.isEmpty()) {
                return false;
            }
            log(key, HistoryOps.STATE_DELETE, null, current.get().valueJson(), agentId, now);
            return true;
        }
    }

    @Override
    public List<String> keys(String prefix) {
        synchronized (root) {
            long now = clock.millis();
            return new ArrayList<>(kv.keySet()).stream().filter(k -> k.startsWith(prefix))
                    .filter(k -> live(k, now).isPresent()).toList();
        }
    }

    // ---------------------------------------------------------------- workflows

    @Override
    public Optional<WorkflowRun> createWorkflow(String runId, String name, Map<String, String> tags) {
        synchronized (root) {
            if (runs.containsKey(runId)) {
                return Optional.empty();
            }
            long now = clock.millis();
            Instant at = Instant.ofEpochMilli(now);
            WorkflowRun run = new WorkflowRun(runId, name, WorkflowStatus.CREATED, tags, null, null, 0, null, null,
                    null,
                    at, at);
            runs.put(runId, run);
            log(HistoryOps.WORKFLOW_SUBJECT + runId, HistoryOps.WORKFLOW_CREATE,
                    Json.quote(WorkflowStatus.CREATED.wireName()), null, null, now);
            return Optional.of(run);
        }
    }

    @Override
    public List<WorkflowRun> workflows() {
        synchronized (root) {
            List<WorkflowRun> newestFirst = new ArrayList<>(runs.values());
            java.util.Collections.reverse(newestFirst);
            return newestFirst;
        }
    }

    @Override
    public Optional<WorkflowRun> workflow(String runId) {
        synchronized (root) {
            return Optional.ofNullable(runs.get(runId));
        }
    }

    @Override
    public RunChange claim(String runId, String agentId, Duration leaseTtl) {
        synchronized (root) {
            WorkflowRun run = runs.get(runId);
            if (run == null) {
                return RunChange.notFound();
            }
            long now = clock.millis();
            if (!WorkflowRules.claimable(run, Instant.ofEpochMilli(now))) {
                return new RunChange(false, run);
            }
            Long ttl = leaseTtl == null ? null : leaseTtl.toMillis();
            if (ttl == null) {
                claimTtls.remove(runId);
            } else {
                claimTtls.put(runId, ttl);
            }
            WorkflowRun claimed = new WorkflowRun(runId, run.name(), WorkflowStatus.CLAIMED, run.tags(), agentId,
                    run.lastStep(), run.fencingToken() + 1, ttl == null ? null : Instant.ofEpochMilli(now + ttl),
                    run.resultJson(), run.error(), run.createdAt(), Instant.ofEpochMilli(now));
            runs.put(runId, claimed);
            String op = run.status() == WorkflowStatus.CREATED ? HistoryOps.WORKFLOW_CLAIM
                    : HistoryOps.WORKFLOW_RECLAIM;
            log(HistoryOps.WORKFLOW_SUBJECT + runId, op, Json.quote(WorkflowStatus.CLAIMED.wireName()),
                    Json.quote(run.status().wireName()), agentId, now);
            return new RunChange(true, claimed);
        }
    }

    @Override
    public RunChange checkpoint(String runId, int step, String outputJson, String agentId) {
        synchronized (root) {
            WorkflowRun run = runs.get(runId);
            if (run == null) {
                return RunChange.notFound();
            }
            if (!WorkflowRules.checkpointAllowed(run, agentId)) {
                return new RunChange(false, run);
            }
            long now = clock.millis();
            String previous = steps.computeIfAbsent(runId, k -> new HashMap<>()).put(step, outputJson);
            Long ttl = claimTtls.get(runId);
            Instant expires = ttl != null && run.agentId() != null ? Instant.ofEpochMilli(now + ttl)
                    : run.claimExpiresAt();
            int lastStep = run.lastStep() == null ? step : Math.max(run.lastStep(), step);
            WorkflowRun running = new WorkflowRun(runId, run.name(), WorkflowStatus.RUNNING, run.tags(), run.agentId(),
                    lastStep, run.fencingToken(), expires, run.resultJson(), run.error(), run.createdAt(),
                    Instant.ofEpochMilli(now));
            runs.put(runId, running);
            log(HistoryOps.WORKFLOW_SUBJECT + runId, HistoryOps.WORKFLOW_CHECKPOINT,
                    Json.checkpointValue(step, outputJson),
                    Json.checkpointValue(step, previous), agentId, now);
            return new RunChange(true, running);
        }
    }

    @Override
    public RunChange finish(String runId, String agentId, WorkflowStatus outcome, String resultJson,
            String error) {
        synchronized (root) {
            WorkflowRun run = runs.get(runId);
            if (run == null) {
                return RunChange.notFound();
            }
            if (!WorkflowRules.finishAllowed(run, agentId)) {
                return new RunChange(false, run);
            }
            long now = clock.millis();
            WorkflowRun finished = new WorkflowRun(runId, run.name(), outcome, run.tags(), run.agentId(),
                    run.lastStep(),
                    run.fencingToken(), null, resultJson, error, run.createdAt(), Instant.ofEpochMilli(now));
            runs.put(runId, finished);
            String op = outcome == WorkflowStatus.COMPLETED ? HistoryOps.WORKFLOW_COMPLETE : HistoryOps.WORKFLOW_FAIL;
            log(HistoryOps.WORKFLOW_SUBJECT + runId, op, Json.quote(outcome.wireName()),
                    Json.quote(run.status().wireName()),
                    agentId, now);
            return new RunChange(true, finished);
        }
    }

    @Override
    public Optional<WorkflowProgress> progress(String runId) {
        synchronized (root) {
            WorkflowRun run = runs.get(runId);
            return run == null ? Optional.empty()
                    : Optional.of(new WorkflowProgress(run, new HashMap<>(steps.getOrDefault(runId, Map.of()))));
        }
    }

    // ---------------------------------------------------------------- leases

    private Optional<Lease> liveLease(String resourceId, long now) {
        return Optional.ofNullable(leases.get(resourceId)).filter(l -> l.expiresAt().toEpochMilli() > now);
    }

    @Override
    public LeaseOutcome acquireLease(String resourceId, String holderId, Duration ttl) {
        synchronized (root) {
            long now = clock.millis();
            Optional<Lease> live = liveLease(resourceId, now);
            if (live.isPresent()) {
                return new LeaseOutcome(false, live.get());
            }
            Lease existing = leases.get(resourceId);
            Lease granted = new Lease(resourceId, holderId, Instant.ofEpochMilli(now + ttl.toMillis()),
                    next("lease:" + resourceId));
            leases.put(resourceId, granted);
            log(HistoryOps.LEASE_SUBJECT + resourceId, existing != null ? HistoryOps.LEASE_TAKEOVER
                    : HistoryOps.LEASE_ACQUIRE, Json.quote(holderId),
                    Json.quote(existing == null ? null : existing.holder()),
                    holderId, now);
            return new LeaseOutcome(true, granted);
        }
    }

    @Override
    public boolean releaseLease(String resourceId, String holderId) {
        synchronized (root) {
            long now = clock.millis();
            Optional<Lease> live = liveLease(resourceId, now);
            if (live.isEmpty() || !live.get().holder().equals(holderId)) {
                return false;
            }
            leases.remove(resourceId);
            log(HistoryOps.LEASE_SUBJECT + resourceId, HistoryOps.LEASE_RELEASE, null, Json.quote(holderId), holderId,
                    now);
            return true;
        }
    }

    @Override
    public LeaseOutcome renewLease(String resourceId, String holderId, Duration ttl) {
        synchronized (root) {
            long now = clock.millis();
            Optional<Lease> live = liveLease(resourceId, now);
            if (live.isEmpty() || !live.get().holder().equals(holderId)) {
                return new LeaseOutcome(false, live.orElse(null));
            }
            Lease renewed = new Lease(resourceId, holderId, Instant.ofEpochMilli(now + ttl.toMillis()),
                    live.get().fencingToken());
            leases.put(resourceId, renewed);
            log(HistoryOps.LEASE_SUBJECT + resourceId, HistoryOps.LEASE_RENEW, Json.quote(holderId),
                    Json.quote(holderId),
                    holderId, now);
            return new LeaseOutcome(true, renewed);
        }
    }

    // ---------------------------------------------------------------- sessions and history

    @Override
    public SessionSnapshot saveSession(String sessionId, String contextJson) {
        synchronized (root) {
            long now = clock.millis();
            SessionSnapshot previous = sessions.get(sessionId);
            SessionSnapshot saved = new SessionSnapshot(sessionId, contextJson, Instant.ofEpochMilli(now));
            sessions.put(sessionId, saved);
            log(HistoryOps.SESSION_SUBJECT + sessionId, HistoryOps.SESSION_SAVE, contextJson,
                    previous == null ? null : previous.contextJson(), null, now);
            return saved;
        }
    }

    @Override
    public Optional<SessionSnapshot> restoreSession(String sessionId) {
        synchronized (root) {
            return Optional.ofNullable(sessions.get(sessionId));
        }
    }

    @Override
    public HistoryPage history(String key, int limit) {
        synchronized (root) {
            List<HistoryEntry> matching = history.descendingMap().values().stream()
                    .filter(e -> key == null || key.equals(e.key())).toList();
            return new HistoryPage(matching.subList(0, Math.min(limit, matching.size())), matching.size());
        }
    }

    // ---------------------------------------------------------------- observability

    @Override
    public StoreStats stats() {
        synchronized (root) {
            long now = clock.millis();
            long keys = new ArrayList<>(kv.keySet()).stream().filter(k -> live(k, now).isPresent()).count();
            return new StoreStats(keys, runs.size());
        }
    }

    @Override
    public long reset() {
        synchronized (root) {
            return clear(space, true);
        }
    }

    @Override
    public long resetAll() {
        synchronized (root) {
            long cleared = 0;
            for (Space other : root.spaces.values()) {
                if (other != space) {
                    cleared += clear(other, false);
                }
            }
            return cleared + clear(space, true);
        }
    }

    /** Empties a tenant's space, then logs the reset in it: always, or only when something was deleted. */
    private long clear(Space target, boolean always) {
        long cleared = target.size();
        target.clear();
        if (always || cleared > 0) {
            target.log(null, HistoryOps.RESET, Json.resetValue(cleared), null, null, clock.millis());
        }
        return cleared;
    }
}
