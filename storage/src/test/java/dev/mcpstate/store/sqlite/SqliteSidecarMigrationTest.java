package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.sidecar.HistoryPage;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.sidecar.WorkflowProgress;
import dev.mcpstate.store.sidecar.WorkflowStatus;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file written by sidecar version 1 (no tenants) opens with version 2: every row lands in the anonymous
 * tenant, counters keep rising, named tenants start empty, and opening again changes nothing.
 */
class SqliteSidecarMigrationTest {

    /** The sidecar tables exactly as version 1 created them. */
    private static final List<String> VERSION_1 = List.of(
            "CREATE TABLE schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
            "CREATE TABLE sidecar_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL, "
                    + "expires_at INTEGER)",
            "CREATE INDEX sidecar_kv_expires ON sidecar_kv (expires_at)",
            "CREATE TABLE sidecar_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "CREATE TABLE sidecar_workflows (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE, "
                    + "name TEXT NOT NULL, status TEXT NOT NULL, tags TEXT NOT NULL, agent_id TEXT, last_step INTEGER, "
                    + "fencing_token INTEGER NOT NULL DEFAULT 0, claim_ttl_ms INTEGER, claim_expires_at INTEGER, "
                    + "result TEXT, error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
            "CREATE TABLE sidecar_workflow_steps (run_id TEXT NOT NULL, step INTEGER NOT NULL, output TEXT NOT NULL, "
                    + "written_at INTEGER NOT NULL, PRIMARY KEY (run_id, step))",
            "CREATE TABLE sidecar_leases (resource_id TEXT PRIMARY KEY, holder TEXT NOT NULL, "
                    + "expires_at INTEGER NOT NULL, fencing_token INTEGER NOT NULL)",
            "CREATE TABLE sidecar_sessions (session_id TEXT PRIMARY KEY, context TEXT NOT NULL, "
                    + "saved_at INTEGER NOT NULL)",
            "CREATE TABLE sidecar_history (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT, op TEXT NOT NULL, "
                    + "new_value TEXT, previous_value TEXT, agent_id TEXT, written_at INTEGER NOT NULL)",
            "CREATE INDEX sidecar_history_key ON sidecar_history (key, id)",
            "INSERT INTO schema_version VALUES ('sidecar', 1)");

    private static final long T0 = MutableClock.DEFAULT_START.toEpochMilli();

    /** Rows as version 1 wrote them: a key at version 5, a run with two steps, a lease with token 3, a session. */
    private static final List<String> VERSION_1_ROWS = List.of(
            "INSERT INTO sidecar_kv VALUES ('cfg', '{\"mode\":\"fast\"}', 5, NULL)",
            "INSERT INTO sidecar_counters VALUES ('revision', 5), ('lease:db', 3)",
            "INSERT INTO sidecar_workflows (seq, run_id, name, status, tags, agent_id, last_step, fencing_token, "
                    + "created_at, updated_at) VALUES (7, 'wf-0123456789ab', 'nightly', 'running', '{\"team\":\"x\"}', "
                    + "'a1', 2, 1, " + T0 + ", " + T0 + ")",
            "INSERT INTO sidecar_workflow_steps VALUES ('wf-0123456789ab', 1, '\"one\"', " + T0 + "), "
                    + "('wf-0123456789ab', 2, '\"two\"', " + T0 + ")",
            "INSERT INTO sidecar_leases VALUES ('db', 'h1', " + (T0 + 60_000) + ", 3)",
            "INSERT INTO sidecar_sessions VALUES ('s1', '{\"goal\":\"ship\"}', " + T0 + ")",
            "INSERT INTO sidecar_history (id, key, op, new_value, previous_value, agent_id, written_at) VALUES "
                    + "(40, 'cfg', 'state_set', '{\"mode\":\"fast\"}', NULL, 'a1', " + T0 + "), "
                    + "(41, 'session:s1', 'session_save', '{\"goal\":\"ship\"}', NULL, NULL, " + T0 + ")",
            // version 1 had handed out history ids up to 100 (the rows above 41 were gone)
            "UPDATE sqlite_sequence SET seq = 100 WHERE name = 'sidecar_history'");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    @Test
    void versionOneRowsBecomeTheAnonymousTenantsAndCountersKeepRising() throws Exception {
        Path file = dir.resolve("v1.db");
        writeVersionOne(file);

        try (Storage storage = Storage.open(StorageConfig.sqlite(file), clock)) {
            SidecarStore anonymous = storage.sidecar();
            assertThat(anonymous.get("cfg").orElseThrow().version()).isEqualTo(5);
            assertThat(anonymous.keys("")).containsExactly("cfg");
            WorkflowProgress progress = anonymous.progress("wf-0123456789ab").orElseThrow();
            assertThat(progress.run().status()).isEqualTo(WorkflowStatus.RUNNING);
            assertThat(progress.run().tags()).isEqualTo(Map.of("team", "x"));
            assertThat(progress.stepOutputs()).containsExactly(Map.entry(1, "\"one\""), Map.entry(2, "\"two\""));
            assertThat(anonymous.acquireLease("db", "h2", Duration.ofSeconds(1)).lease().holder()).isEqualTo("h1");
            assertThat(anonymous.restoreSession("s1").orElseThrow().contextJson()).isEqualTo("{\"goal\":\"ship\"}");
            HistoryPage history = anonymous.history(null, 10);
            assertThat(history.total()).isEqualTo(2);
            assertThat(history.entries().get(0).id()).isEqualTo(41);
            assertThat(anonymous.history("cfg", 10).entries()).singleElement()
                    .satisfies(e -> assertThat(e.agentId()).isEqualTo("a1"));
            assertThat(anonymous.stats().workflowCount()).isEqualTo(1);

            assertThat(anonymous.put("cfg", "1", null, null, 5L).version()).isEqualTo(6);
            assertThat(anonymous.history("cfg", 1).entries().get(0).id()).as("history ids continue").isEqualTo(101);
            clock.advance(Duration.ofMinutes(1));
            assertThat(anonymous.acquireLease("db", "h2", Duration.ofSeconds(1)).lease().fencingToken()).isEqualTo(4);
            assertThat(anonymous.createWorkflow("wf-00000000000c", "next", Map.of())).isPresent();
            assertThat(anonymous.workflows()).extracting(r -> r.runId())
                    .containsExactly("wf-00000000000c", "wf-0123456789ab");
            assertThat(anonymous.history(null, 1).entries().get(0).id()).isGreaterThan(101);

            SidecarStore alice = anonymous.forTenant("alice");
            assertThat(alice.keys("")).isEmpty();
            assertThat(alice.workflows()).isEmpty();
            assertThat(alice.restoreSession("s1")).isEmpty();
            assertThat(alice.history(null, 10).total()).isZero();
            alice.put("k", "1", null, null, null);
            assertThat(alice.history(null, 1).entries().get(0).id()).as("history ids are per tenant").isEqualTo(1);
            assertThat(alice.createWorkflow("wf-0123456789ab", "alice's", Map.of())).as("run ids are per tenant")
                    .isPresent();
        }

        assertThat(sidecarVersion(file)).isEqualTo(2);
        assertThat(tables(file)).doesNotContain("sidecar_kv_v1", "sidecar_workflows_v1");
        assertThat(tables(file)).doesNotContain("sidecar_history_v1");
        assertThat(indexes(file)).contains("sidecar_kv_expires", "sidecar_history_by_tenant_key")
                .doesNotContain("sidecar_history_key");

        try (Storage again = Storage.open(StorageConfig.sqlite(file), clock)) {
            assertThat(again.sidecar().get("cfg").orElseThrow().version()).isEqualTo(6);
            assertThat(again.sidecar().workflows()).hasSize(2);
            assertThat(again.sidecar().forTenant("alice").workflows()).hasSize(1);
        }
    }

    @Test
    void aNewFileGetsVersionTwo() throws Exception {
        Path file = dir.resolve("new.db");
        try (Storage storage = Storage.open(StorageConfig.sqlite(file), clock)) {
            storage.sidecar().forTenant("alice").put("k", "1", null, null, null);
        }
        assertThat(Files.exists(file)).isTrue();
        assertThat(sidecarVersion(file)).isEqualTo(2);
    }

    private static void writeVersionOne(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String sql : VERSION_1) {
                s.execute(sql);
            }
            for (String sql : VERSION_1_ROWS) {
                s.execute(sql);
            }
        }
    }

    private static long sidecarVersion(Path file) throws SQLException {
        return single(file, "SELECT version FROM schema_version WHERE component = 'sidecar'");
    }

    private static List<String> tables(Path file) throws SQLException {
        return names(file, "SELECT name FROM sqlite_master WHERE type = 'table'");
    }

    private static List<String> indexes(Path file) throws SQLException {
        return names(file, "SELECT name FROM sqlite_master WHERE type = 'index'");
    }

    private static long single(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    private static List<String> names(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }
}
