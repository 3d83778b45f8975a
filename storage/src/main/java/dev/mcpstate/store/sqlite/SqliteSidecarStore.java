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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link SidecarStore} on one SQLite file, in tables named {@code sidecar_*} ({@link SqliteSchema}) next to the
 * session and event tables, on the backend's {@link SqliteDatabase}. Every row carries its tenant in the column
 * {@code tenant} ({@code ''} for the anonymous tenant), the first column of every key, and every statement of a
 * view names its tenant; views of one file share its database.
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
    /** The tenant of this view; null for the anonymous tenant. */
    private final String tenant;
    /** The value of the {@code tenant} column of this view's rows: the tenant, {@code ''} for anonymous. */
    private final String t;

    /**
     * The anonymous tenant's view. Creates the sidecar tables when missing, and moves the rows of version-1
     * tables (which had no tenants) into the anonymous tenant.
     *
     * @throws StoreException when they cannot be created or migrated
     */
    SqliteSidecarStore(SqliteDatabase db, Clock clock) {
        this(Objects.requireNonNull(db, "db must not be null"), Objects.requireNonNull(clock, "clock must not be null"),
                null);
        inTransaction("create sidecar schema", (tx, now) -> {
            int migrated = migrateUntenantedTables(tx);
            for (String ddl : SqliteSchema.SIDECAR_TABLES) {
                tx.execute(ddl);
            }
            for (String ddl : SqliteSchema.SIDECAR_INDEXES) {
                tx.execute(ddl);
            }
            tx.update(SqliteSchema.RECORD_VERSION,
                    SqliteSchema.SIDECAR_COMPONENT, SqliteSchema.SIDECAR_VERSION);
            if (migrated > 0) {
                log.info("sidecar tables migrated to version {} path={} tables={}: their rows are the anonymous "
                        + "tenant's", SqliteSchema.SIDECAR_VERSION, db.path(), migrated);
            }
            return null;
        });
        log.debug("sidecar store opened backend=sqlite path={}", db.path());
    }

    private SqliteSidecarStore(SqliteDatabase db, Clock clock, String tenant) {
        this.db = db;
        this.clock = clock;
        this.tenant = tenant;
        this.t = tenant == null ? "" : tenant;
    }

    /**
     * Rebuilds the version-1 tables (no {@code tenant} column) with the version-2 layout, their rows in the
     * anonymous tenant, whose history-id counter continues where version 1's {@code AUTOINCREMENT} stood; a no-op
     * on a new or already migrated file.
     *
     * @return how many tables were migrated
     */
    private static int migrateUntenantedTables(SqliteTx tx) throws SQLException {
        List<String> rebuilt = new ArrayList<>();
        for (String table : SqliteSchema.SIDECAR_V1_TABLES.keySet()) {
            if (lacksTenantColumn(tx, table)) {
                tx.execute("ALTER TABLE " + table + " RENAME TO " + table + "_v1");
                rebuilt.add(table);
            }
        }
        if (rebuilt.isEmpty()) {
            return 0;
        }
        for (String index : SqliteSchema.SIDECAR_V1_INDEXES) {
            tx.execute("DROP INDEX IF EXISTS " + index);
        }
        for (String ddl : SqliteSchema.SIDECAR_TABLES) {
            tx.execute(ddl);
        }
        for (String table : rebuilt) {
            String columns = SqliteSchema.SIDECAR_V1_TABLES.get(table);
            tx.update("INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + table + "_v1");
        }
        if (rebuilt.contains("sidecar_history")) {
            // the highest id version 1 handed out: its AUTOINCREMENT sequence, which survives resets
            long lastId = Math.max(
                    tx.count("SELECT coalesce(max(id), 0) FROM sidecar_history_v1"),
                    tx.count("SELECT coalesce(max(seq), 0) FROM sqlite_sequence "
                            + "WHERE name IN ('sidecar_history', 'sidecar_history_v1')"));
            tx.update("INSERT INTO sidecar_counters (tenant, name, value) VALUES ('', 'history', ?) "
                    + "ON CONFLICT (tenant, name) DO UPDATE SET value = max(value, excluded.value)", lastId);
        }
        for (String table : rebuilt) {
            tx.execute("DROP TABLE " + table + "_v1");
        }
        return rebuilt.size();
    }

    private static boolean lacksTenantColumn(SqliteTx tx, String table) throws SQLException {
        return tx.count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table) > 0
                && !tx.hasColumn(table, "tenant");
    }

    @Override
    public String backend() {
        return "sqlite";
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
        return Objects.equals(tenant, this.tenant) ? this : new SqliteSidecarStore(db, clock, tenant);
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
            long version = tx.nextCounter(t, "revision");
            Long expiresAt = ttl == null ? null : now + ttl.toMillis();
            tx.update("INSERT INTO sidecar_kv (tenant, key, value, version, expires_at) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (tenant, key) DO UPDATE SET value = excluded.value, version = excluded.version, "
                    + "expires_at = excluded.expires_at", t, key, valueJson, version, expiresAt);
            tx.history(t, key, HistoryOps.STATE_SET, valueJson, current.map(KvEntry::valueJson).orElse(null),
                    agentId, now);
            // cleanup, of every tenant; reads ignore them anyway
            tx.update("DELETE FROM sidecar_kv WHERE expires_at <= ?", now);
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
            tx.update("DELETE FROM sidecar_kv WHERE tenant = ? AND key = ?", t, key);
            if (current.isEmpty()) {
                return false;
            }
            tx.history(t, key, HistoryOps.STATE_DELETE, null, current.get().valueJson(), agentId, now);
            return true;
        });
    }

    @Override
    public List<String> keys(String prefix) {
        return reading("state_list", (tx, now) -> tx.query(
                        "SELECT key FROM sidecar_kv WHERE tenant = ? AND (expires_at IS NULL OR expires_at > ?)",
                        rs -> rs.getString(1), t, now)
                .stream().filter(k -> k.startsWith(prefix)).toList());
    }

    private Optional<KvEntry> liveEntry(SqliteTx tx, String key, long now) throws SQLException {
        return tx.first("SELECT key, value, version, expires_at FROM sidecar_kv "
                        + "WHERE tenant = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
                rs -> new KvEntry(rs.getString("key"), rs.getString("value"), rs.getLong("version"),
                        instant(SqliteTx.nullableLong(rs, "expires_at"))), t, key, now);
    }

    // ---------------------------------------------------------------- workflows

    @Override
    public Optional<WorkflowRun> createWorkflow(String runId, String name, Map<String, String> tags) {
        return inTransaction("workflow_create", (tx, now) -> {
            if (run(tx, runId).isPresent()) {
                return Optional.empty();
            }
            tx.update("INSERT INTO sidecar_workflows (tenant, run_id, name, status, tags, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", t, runId, name, WorkflowStatus.CREATED.wireName(),
                    Json.tagsToJson(tags), now, now);
            tx.history(t, workflowSubject(runId), HistoryOps.WORKFLOW_CREATE,
                    Json.quote(WorkflowStatus.CREATED.wireName()),
                    null, null, now);
            return run(tx, runId);
        });
    }

    @Override
    public List<WorkflowRun> workflows() {
        return reading("workflow_list", (tx, now) -> tx.query(
                "SELECT " + RUN_COLUMNS + " FROM sidecar_workflows WHERE tenant = ? ORDER BY seq DESC",
                SqliteSidecarStore::mapRun, t));
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
                    + "claim_ttl_ms = ?, claim_expires_at = ?, updated_at = ? WHERE tenant = ? AND run_id = ?",
                    WorkflowStatus.CLAIMED.wireName(), agentId, ttlMs, ttlMs == null ? null : now + ttlMs, now, t,
                    runId);
            String op = run.status() == WorkflowStatus.CREATED ? HistoryOps.WORKFLOW_CLAIM : HistoryOps.WORKFLOW_RECLAIM;
            tx.history(t, workflowSubject(runId), op, Json.quote(WorkflowStatus.CLAIMED.wireName()),
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
            Optional<String> previous = tx.first("SELECT output FROM sidecar_workflow_steps "
                    + "WHERE tenant = ? AND run_id = ? AND step = ?", rs -> rs.getString(1), t, runId, step);
            tx.update("INSERT INTO sidecar_workflow_steps (tenant, run_id, step, output, written_at) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, run_id, step) "
                    + "DO UPDATE SET output = excluded.output, written_at = excluded.written_at",
                    t, runId, step, outputJson, now);
            tx.update("UPDATE sidecar_workflows SET status = ?, last_step = max(coalesce(last_step, ?), ?), "
                    + "claim_expires_at = CASE WHEN claim_ttl_ms IS NOT NULL AND agent_id IS NOT NULL "
                    + "THEN ? + claim_ttl_ms ELSE claim_expires_at END, updated_at = ? WHERE tenant = ? AND run_id = ?",
                    WorkflowStatus.RUNNING.wireName(), step, step, now, now, t, runId);
            tx.history(t, workflowSubject(runId), HistoryOps.WORKFLOW_CHECKPOINT,
                    Json.checkpointValue(step, outputJson),
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
                    + "updated_at = ? WHERE tenant = ? AND run_id = ?", outcome.wireName(), resultJson, error, now,
                    t, runId);
            String op = outcome == WorkflowStatus.COMPLETED ? HistoryOps.WORKFLOW_COMPLETE : HistoryOps.WORKFLOW_FAIL;
            tx.history(t, workflowSubject(runId), op, Json.quote(outcome.wireName()),
                    Json.quote(run.status().wireName()),
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
            tx.query("SELECT step, output FROM sidecar_workflow_steps WHERE tenant = ? AND run_id = ?",
                    rs -> outputs.put(rs.getInt(1), rs.getString(2)), t, runId);
            return Optional.of(new WorkflowProgress(run.get(), outputs));
        });
    }

    private Optional<WorkflowRun> run(SqliteTx tx, String runId) throws SQLException {
        return tx.first("SELECT " + RUN_COLUMNS + " FROM sidecar_workflows WHERE tenant = ? AND run_id = ?",
                SqliteSidecarStore::mapRun, t, runId);
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
            long token = tx.nextCounter(t, "lease:" + resourceId);
            long expiresAt = now + ttl.toMillis();
            tx.update("INSERT INTO sidecar_leases (tenant, resource_id, holder, expires_at, fencing_token) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, resource_id) "
                    + "DO UPDATE SET holder = excluded.holder, "
                    + "expires_at = excluded.expires_at, fencing_token = excluded.fencing_token",
                    t, resourceId, holderId, expiresAt, token);
            String op = existing.isPresent() ? HistoryOps.LEASE_TAKEOVER : HistoryOps.LEASE_ACQUIRE;
            tx.history(t, leaseSubject(resourceId), op, Json.quote(holderId),
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
            tx.update("DELETE FROM sidecar_leases WHERE tenant = ? AND resource_id = ?", t, resourceId);
            tx.history(t, leaseSubject(resourceId), HistoryOps.LEASE_RELEASE, null, Json.quote(holderId), holderId,
                    now);
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
            tx.update("UPDATE sidecar_leases SET expires_at = ? WHERE tenant = ? AND resource_id = ?", expiresAt, t,
                    resourceId);
            tx.history(t, leaseSubject(resourceId), HistoryOps.LEASE_RENEW, Json.quote(holderId), Json.quote(holderId),
                    holderId, now);
            return new LeaseOutcome(true,
                    new Lease(resourceId, holderId, Instant.ofEpochMilli(expiresAt), live.get().fencingToken()));
        });
    }

    private Optional<Lease> lease(SqliteTx tx, String resourceId) throws SQLException {
        return tx.first("SELECT resource_id, holder, expires_at, fencing_token FROM sidecar_leases "
                        + "WHERE tenant = ? AND resource_id = ?",
                rs -> new Lease(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getLong(4)),
                t, resourceId);
    }

    private static String leaseSubject(String resourceId) {
        return HistoryOps.LEASE_SUBJECT + resourceId;
    }

    // ---------------------------------------------------------------- sessions and history

    @Override
    public SessionSnapshot saveSession(String sessionId, String contextJson) {
        return inTransaction("session_save", (tx, now) -> {
            Optional<String> previous = tx.first("SELECT context FROM sidecar_sessions "
                    + "WHERE tenant = ? AND session_id = ?", rs -> rs.getString(1), t, sessionId);
            tx.update("INSERT INTO sidecar_sessions (tenant, session_id, context, saved_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (tenant, session_id) DO UPDATE SET context = excluded.context, "
                    + "saved_at = excluded.saved_at", t, sessionId, contextJson, now);
            tx.history(t, HistoryOps.SESSION_SUBJECT + sessionId, HistoryOps.SESSION_SAVE, contextJson,
                    previous.orElse(null), null, now);
            return new SessionSnapshot(sessionId, contextJson, Instant.ofEpochMilli(now));
        });
    }

    @Override
    public Optional<SessionSnapshot> restoreSession(String sessionId) {
        return reading("session_restore", (tx, now) -> tx.first(
                "SELECT session_id, context, saved_at FROM sidecar_sessions WHERE tenant = ? AND session_id = ?",
                rs -> new SessionSnapshot(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))),
                t, sessionId));
    }

    @Override
    public HistoryPage history(String key, int limit) {
        return reading("history_log", (tx, now) -> {
            String where = key == null ? " WHERE tenant = ?" : " WHERE tenant = ? AND key = ?";
            Object[] params = key == null ? new Object[] {t} : new Object[] {t, key};
            long total = tx.count("SELECT count(*) FROM sidecar_history" + where, params);
            Object[] pageParams = key == null ? new Object[] {t, limit} : new Object[] {t, key, limit};
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
                tx.count("SELECT count(*) FROM sidecar_kv WHERE tenant = ? AND (expires_at IS NULL OR expires_at > ?)",
                        t, now),
                tx.count("SELECT count(*) FROM sidecar_workflows WHERE tenant = ?", t)));
    }

    @Override
    public long reset() {
        return inTransaction("sidecar_reset", (tx, now) -> {
            long cleared = 0;
            for (String table : SqliteSchema.SIDECAR_RESET_TABLES) {
                int deleted = tx.update("DELETE FROM " + table + " WHERE tenant = ?", t);
                cleared += table.equals("sidecar_workflow_steps") ? 0 : deleted;
            }
            tx.history(t, null, HistoryOps.RESET, Json.resetValue(cleared), null, null, now);
            return cleared;
        });
    }

    @Override
    public long resetAll() {
        return inTransaction("sidecar_reset_all", (tx, now) -> {
            Map<String, Long> clearedByTenant = new TreeMap<>();
            for (String table : SqliteSchema.SIDECAR_RESET_TABLES) {
                if (!table.equals("sidecar_workflow_steps")) {
                    tx.query("SELECT tenant, count(*) FROM " + table + " GROUP BY tenant",
                            rs -> clearedByTenant.merge(rs.getString(1), rs.getLong(2), Long::sum));
                }
                tx.update("DELETE FROM " + table);
            }
            long own = clearedByTenant.getOrDefault(t, 0L);
            long cleared = 0;
            for (Map.Entry<String, Long> tenantCleared : clearedByTenant.entrySet()) {
                cleared += tenantCleared.getValue();
                if (!tenantCleared.getKey().equals(t)) {
                    tx.history(tenantCleared.getKey(), null, HistoryOps.RESET,
                            Json.resetValue(tenantCleared.getValue()), null, null, now);
                }
            }
            tx.history(t, null, HistoryOps.RESET, Json.resetValue(own), null, null, now);
            return cleared;
        });
    }

    @Override
    public String toString() {
        return "SqliteSidecarStore[" + db.path() + (tenant == null ? "" : ", tenant=" + tenant) + "]";
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
