package dev.mcpstate.store.sqlite;

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
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.internal.WorkflowRules;
import dev.mcpstate.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SidecarStore} on one SQLite file, in tables named {@code sidecar_*} ({@link SqliteSchema}) next to the
 * session and event tables, on the backend's {@link SqliteDatabase}.
 *
 * <p>Thread-safe: the database serialises work on its connection within the process. Every operation is one
 * {@code BEGIN IMMEDIATE} transaction, so stores in several processes on the same file stay atomic; a writer
 * waits up to the database's busy timeout for another process's transaction and then fails with
 * {@link StoreException}.
 */
final class SqliteSidecarStore implements SidecarStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteSidecarStore.class);
    private static final String RUN_COLUMNS = "run_id, name, status, tags, agent_id, last_step, fencing_token, "
            + "claim_expires_at, result, error, created_at, updated_at";

    /** One unit of work inside a transaction. */
    @FunctionalInterface
    private interface Work<T> {
        T run(SqliteTx tx, long now) throws SQLException;
    }

    private final SqliteDatabase db;
    private final Clock clock;

    /**
     * Creates the sidecar tables when missing.
     *
     * @throws StoreException when they cannot be created
     */
    SqliteSidecarStore(SqliteDatabase db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        inTransaction("create sidecar schema", (tx, now) -> {
            for (String ddl : SqliteSchema.SIDECAR) {
                tx.execute(ddl);
            }
            tx.update("INSERT INTO schema_version (component, version) VALUES (?, ?) "
                    + "ON CONFLICT (component) DO UPDATE SET version = MAX(version, excluded.version)",
                    SqliteSchema.SIDECAR_COMPONENT, SqliteSchema.SIDECAR_VERSION);
            return null;
        });
        log.debug("sidecar store opened backend=sqlite path={}", db.path());
    }

    @Override
    public String backend() {
        return "sqlite";
    }

    @Override
    public Clock clock() {
        return clock;
    }

    // ---------------------------------------------------------------- key-value

    @Override
    public SetOutcome put(String key, String valueJson, Duration ttl, String agentId, Long expectedVersion) {
        return inTransaction("state_set", (tx, now) -> {
            Optional<KvEntry> current = liveEntry(tx, key, now);
            long currentVersion = current.map(KvEntry::version).orElse(0L);
            if (expectedVersion != null && expectedVersion != currentVersion) {
                return new SetOutcome(false, currentVersion);
            }
            long version = tx.nextCounter("revision");
            Long expiresAt = ttl == null ? null : now + ttl.toMillis();
            tx.update("INSERT INTO sidecar_kv (key, value, version, expires_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, "
                    + "expires_at = excluded.expires_at", key, valueJson, version, expiresAt);
            tx.history(key, HistoryOps.STATE_SET, valueJson, current.map(KvEntry::valueJson).orElse(null),
                    agentId, now);
            tx.update("DELETE FROM sidecar_kv WHERE expires_at <= ?", now); // cleanup; reads ignore them anyway
            return new SetOutcome(true, version);
        });
    }

    @Override
    public Optional<KvEntry> get(String key) {
        return reading("state_get", (tx, now) -> liveEntry(tx, key, now));
    }

    @Override
    public boolean delete(String key, String agentId) {
        return inTransaction("state_delete", (tx, now) -> {
            Optional<KvEntry> current = liveEntry(tx, key, now);
            tx.update("DELETE FROM sidecar_kv WHERE key = ?", key);
            if (current.isEmpty()) {
                return false;
            }
            tx.history(key, HistoryOps.STATE_DELETE, null, current.get().valueJson(), agentId, now);
            return true;
        });
    }

    @Override
    public List<String> keys(String prefix) {
        return reading("state_list", (tx, now) -> tx.query(
                        "SELECT key FROM sidecar_kv WHERE expires_at IS NULL OR expires_at > ?", rs -> rs.getString(1), now)
                .stream().filter(k -> k.startsWith(prefix)).toList());
    }

    private static Optional<KvEntry> liveEntry(SqliteTx tx, String key, long now) throws SQLException {
        return tx.first("SELECT key, value, version, expires_at FROM sidecar_kv "
                        + "WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
                rs -> new KvEntry(rs.getString("key"), rs.getString("value"), rs.getLong("version"),
                        instant(SqliteTx.nullableLong(rs, "expires_at"))), key, now);
    }

    // ---------------------------------------------------------------- workflows

    @Override
    public Optional<WorkflowRun> createWorkflow(String runId, String name, Map<String, String> tags) {
        return inTransaction("workflow_create", (tx, now) -> {
            if (run(tx, runId).isPresent()) {
                return Optional.empty();
            }
            tx.update("INSERT INTO sidecar_workflows (run_id, name, status, tags, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", runId, name, WorkflowStatus.CREATED.wireName(),
                    Json.tagsToJson(tags), now, now);
            tx.history(workflowSubject(runId), HistoryOps.WORKFLOW_CREATE, Json.quote(WorkflowStatus.CREATED.wireName()),
                    null, null, now);
            return run(tx, runId);
        });
    }

    @Override
    public List<WorkflowRun> workflows() {
        return reading("workflow_list", (tx, now) -> tx.query(
                "SELECT " + RUN_COLUMNS + " FROM sidecar_workflows ORDER BY seq DESC", SqliteSidecarStore::mapRun));
    }

    @Override
    public Optional<WorkflowRun> workflow(String runId) {
        return reading("workflow_status", (tx, now) -> run(tx, runId));
    }

    @Override
    public RunChange claim(String runId, String agentId, Duration leaseTtl) {
        return inTransaction("workflow_claim", (tx, now) -> {
            Optional<WorkflowRun> found = run(tx, runId);
            if (found.isEmpty()) {
                return RunChange.notFound();
            }
            WorkflowRun run = found.get();
            if (!WorkflowRules.claimable(run, Instant.ofEpochMilli(now))) {
                return new RunChange(false, run);
            }
            Long ttlMs = leaseTtl == null ? null : leaseTtl.toMillis();
            tx.update("UPDATE sidecar_workflows SET status = ?, agent_id = ?, fencing_token = fencing_token + 1, "
                    + "claim_ttl_ms = ?, claim_expires_at = ?, updated_at = ? WHERE run_id = ?",
                    WorkflowStatus.CLAIMED.wireName(), agentId, ttlMs, ttlMs == null ? null : now + ttlMs, now, runId);
            String op = run.status() == WorkflowStatus.CREATED ? HistoryOps.WORKFLOW_CLAIM : HistoryOps.WORKFLOW_RECLAIM;
            tx.history(workflowSubject(runId), op, Json.quote(WorkflowStatus.CLAIMED.wireName()),
                    Json.quote(run.status().wireName()), agentId, now);
            return new RunChange(true, run(tx, runId).orElseThrow());
        });
    }

    @Override
    public RunChange checkpoint(String runId, int step, String outputJson, String agentId) {
        return inTransaction("workflow_checkpoint", (tx, now) -> {
            Optional<WorkflowRun> found = run(tx, runId);
            if (found.isEmpty()) {
                return RunChange.notFound();
            }
            WorkflowRun run = found.get();
            if (!WorkflowRules.checkpointAllowed(run, agentId)) {
                return new RunChange(false, run);
            }
            Optional<String> previous = tx.first("SELECT output FROM sidecar_workflow_steps WHERE run_id = ? AND step = ?",
                    rs -> rs.getString(1), runId, step);
            tx.update("INSERT INTO sidecar_workflow_steps (run_id, step, output, written_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (run_id, step) DO UPDATE SET output = excluded.output, written_at = excluded.written_at",
                    runId, step, outputJson, now);
            tx.update("UPDATE sidecar_workflows SET status = ?, last_step = max(coalesce(last_step, ?), ?), "
                    + "claim_expires_at = CASE WHEN claim_ttl_ms IS NOT NULL AND agent_id IS NOT NULL "
                    + "THEN ? + claim_ttl_ms ELSE claim_expires_at END, updated_at = ? WHERE run_id = ?",
                    WorkflowStatus.RUNNING.wireName(), step, step, now, now, runId);
            tx.history(workflowSubject(runId), HistoryOps.WORKFLOW_CHECKPOINT, Json.checkpointValue(step, outputJson),
                    Json.checkpointValue(step, previous.orElse(null)), agentId, now);
            return new RunChange(true, run(tx, runId).orElseThrow());
        });
    }

    @Override
    public RunChange finish(String runId, String agentId, WorkflowStatus outcome, String resultJson, String error) {
        return inTransaction("workflow_finish", (tx, now) -> {
            Optional<WorkflowRun> found = run(tx, runId);
            if (found.isEmpty()) {
                return RunChange.notFound();
            }
            WorkflowRun run = found.get();
            if (!WorkflowRules.finishAllowed(run, agentId)) {
                return new RunChange(false, run);
            }
            tx.update("UPDATE sidecar_workflows SET status = ?, result = ?, error = ?, claim_expires_at = NULL, "
                    + "updated_at = ? WHERE run_id = ?", outcome.wireName(), resultJson, error, now, runId);
            String op = outcome == WorkflowStatus.COMPLETED ? HistoryOps.WORKFLOW_COMPLETE : HistoryOps.WORKFLOW_FAIL;
            tx.history(workflowSubject(runId), op, Json.quote(outcome.wireName()), Json.quote(run.status().wireName()),
                    agentId, now);
            return new RunChange(true, run(tx, runId).orElseThrow());
        });
    }

    @Override
    public Optional<WorkflowProgress> progress(String runId) {
        return reading("workflow_resume", (tx, now) -> {
            Optional<WorkflowRun> run = run(tx, runId);
            if (run.isEmpty()) {
                return Optional.empty();
            }
            Map<Integer, String> outputs = new LinkedHashMap<>();
            tx.query("SELECT step, output FROM sidecar_workflow_steps WHERE run_id = ?",
                    rs -> outputs.put(rs.getInt(1), rs.getString(2)), runId);
            return Optional.of(new WorkflowProgress(run.get(), outputs));
        });
    }

    private static Optional<WorkflowRun> run(SqliteTx tx, String runId) throws SQLException {
        return tx.first("SELECT " + RUN_COLUMNS + " FROM sidecar_workflows WHERE run_id = ?",
                SqliteSidecarStore::mapRun, runId);
    }

    private static WorkflowRun mapRun(ResultSet rs) throws SQLException {
        Long lastStep = SqliteTx.nullableLong(rs, "last_step");
        return new WorkflowRun(rs.getString("run_id"), rs.getString("name"),
                WorkflowStatus.fromWireName(rs.getString("status")), Json.tagsFromJson(rs.getString("tags")),
                rs.getString("agent_id"), lastStep == null ? null : lastStep.intValue(), rs.getLong("fencing_token"),
                instant(SqliteTx.nullableLong(rs, "claim_expires_at")), rs.getString("result"), rs.getString("error"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    private static String workflowSubject(String runId) {
        return HistoryOps.WORKFLOW_SUBJECT + runId;
    }

    // ---------------------------------------------------------------- leases

    @Override
    public LeaseOutcome acquireLease(String resourceId, String holderId, Duration ttl) {
        return inTransaction("lease_acquire", (tx, now) -> {
            Optional<Lease> existing = lease(tx, resourceId);
            Optional<Lease> live = existing.filter(l -> l.expiresAt().toEpochMilli() > now);
            if (live.isPresent()) {
                return new LeaseOutcome(false, live.get());
            }
            long token = tx.nextCounter("lease:" + resourceId);
            long expiresAt = now + ttl.toMillis();
            tx.update("INSERT INTO sidecar_leases (resource_id, holder, expires_at, fencing_token) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (resource_id) DO UPDATE SET holder = excluded.holder, "
                    + "expires_at = excluded.expires_at, fencing_token = excluded.fencing_token",
                    resourceId, holderId, expiresAt, token);
            String op = existing.isPresent() ? HistoryOps.LEASE_TAKEOVER : HistoryOps.LEASE_ACQUIRE;
            tx.history(leaseSubject(resourceId), op, Json.quote(holderId),
                    Json.quote(existing.map(Lease::holder).orElse(null)), holderId, now);
            return new LeaseOutcome(true, new Lease(resourceId, holderId, Instant.ofEpochMilli(expiresAt), token));
        });
    }

    @Override
    public boolean releaseLease(String resourceId, String holderId) {
        return inTransaction("lease_release", (tx, now) -> {
            Optional<Lease> live = lease(tx, resourceId).filter(l -> l.expiresAt().toEpochMilli() > now);
            if (live.isEmpty() || !live.get().holder().equals(holderId)) {
                return false;
            }
            tx.update("DELETE FROM sidecar_leases WHERE resource_id = ?", resourceId);
            tx.history(leaseSubject(resourceId), HistoryOps.LEASE_RELEASE, null, Json.quote(holderId), holderId, now);
            return true;
        });
    }

    @Override
    public LeaseOutcome renewLease(String resourceId, String holderId, Duration ttl) {
        return inTransaction("lease_renew", (tx, now) -> {
            Optional<Lease> live = lease(tx, resourceId).filter(l -> l.expiresAt().toEpochMilli() > now);
            if (live.isEmpty() || !live.get().holder().equals(holderId)) {
                return new LeaseOutcome(false, live.orElse(null));
            }
            long expiresAt = now + ttl.toMillis();
            tx.update("UPDATE sidecar_leases SET expires_at = ? WHERE resource_id = ?", expiresAt, resourceId);
            tx.history(leaseSubject(resourceId), HistoryOps.LEASE_RENEW, Json.quote(holderId), Json.quote(holderId),
                    holderId, now);
            return new LeaseOutcome(true,
                    new Lease(resourceId, holderId, Instant.ofEpochMilli(expiresAt), live.get().fencingToken()));
        });
    }

    private static Optional<Lease> lease(SqliteTx tx, String resourceId) throws SQLException {
        return tx.first("SELECT resource_id, holder, expires_at, fencing_token FROM sidecar_leases WHERE resource_id = ?",
                rs -> new Lease(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getLong(4)),
                resourceId);
    }

    private static String leaseSubject(String resourceId) {
        return HistoryOps.LEASE_SUBJECT + resourceId;
    }

    // ---------------------------------------------------------------- sessions and history

    @Override
    public SessionSnapshot saveSession(String sessionId, String contextJson) {
        return inTransaction("session_save", (tx, now) -> {
            Optional<String> previous = tx.first("SELECT context FROM sidecar_sessions WHERE session_id = ?",
                    rs -> rs.getString(1), sessionId);
            tx.update("INSERT INTO sidecar_sessions (session_id, context, saved_at) VALUES (?, ?, ?) "
                    + "ON CONFLICT (session_id) DO UPDATE SET context = excluded.context, saved_at = excluded.saved_at",
                    sessionId, contextJson, now);
            tx.history(HistoryOps.SESSION_SUBJECT + sessionId, HistoryOps.SESSION_SAVE, contextJson,
                    previous.orElse(null), null, now);
            return new SessionSnapshot(sessionId, contextJson, Instant.ofEpochMilli(now));
        });
    }

    @Override
    public Optional<SessionSnapshot> restoreSession(String sessionId) {
        return reading("session_restore", (tx, now) -> tx.first(
                "SELECT session_id, context, saved_at FROM sidecar_sessions WHERE session_id = ?",
                rs -> new SessionSnapshot(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))),
                sessionId));
    }

    @Override
    public HistoryPage history(String key, int limit) {
        return reading("history_log", (tx, now) -> {
            String where = key == null ? "" : " WHERE key = ?";
            Object[] params = key == null ? new Object[0] : new Object[] {key};
            long total = tx.count("SELECT count(*) FROM sidecar_history" + where, params);
            Object[] pageParams = key == null ? new Object[] {limit} : new Object[] {key, limit};
            List<HistoryEntry> entries = tx.query("SELECT id, key, op, new_value, previous_value, agent_id, written_at "
                    + "FROM sidecar_history" + where + " ORDER BY id DESC LIMIT ?",
                    rs -> new HistoryEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7))), pageParams);
            return new HistoryPage(entries, total);
        });
    }

    // ---------------------------------------------------------------- observability

    @Override
    public StoreStats stats() {
        return reading("sidecar_health", (tx, now) -> new StoreStats(
                tx.count("SELECT count(*) FROM sidecar_kv WHERE expires_at IS NULL OR expires_at > ?", now),
                tx.count("SELECT count(*) FROM sidecar_workflows")));
    }

    @Override
    public long reset() {
        return inTransaction("sidecar_reset", (tx, now) -> {
            long cleared = 0;
            for (String table : SqliteSchema.SIDECAR_RESET_TABLES) {
                int deleted = tx.update("DELETE FROM " + table);
                cleared += table.equals("sidecar_workflow_steps") ? 0 : deleted;
            }
            tx.history(null, HistoryOps.RESET, Json.resetValue(cleared), null, null, now);
            return cleared;
        });
    }

    @Override
    public String toString() {
        return "SqliteSidecarStore[" + db.path() + "]";
    }

    /** Runs a mutation in the writer's next transaction, with the time it runs at. */
    private <T> T inTransaction(String what, Work<T> work) {
        return db.write(what, tx -> work.run(tx, clock.millis()));
    }

    /** Runs a query on a read connection, with the time it runs at. */
    private <T> T reading(String what, Work<T> work) {
        return db.read(what, tx -> work.run(tx, clock.millis()));
    }

    private static Instant instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }
}
