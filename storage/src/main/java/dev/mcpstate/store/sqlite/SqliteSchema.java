package dev.mcpstate.store.sqlite;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every table of the SQLite backend, in one place. Each statement is idempotent; times are epoch milliseconds.
 * The table {@code schema_version(component, version)} records one row per component: {@value #STORE_COMPONENT}
 * (sessions, streams, events), {@value #SIDECAR_COMPONENT} (the {@code sidecar_*} tables, created on first use
 * of the sidecar store), {@value #RATE_LIMIT_COMPONENT} (the {@code rate_limits} table, created when the backend
 * opens) and {@value #REQUEST_STATE_COMPONENT} (the {@code request_states} and {@code request_state_key} tables,
 * likewise).
 */
final class SqliteSchema {

    /** The component of the session and event tables. */
    static final String STORE_COMPONENT = "store";
    /** The version of the session and event tables: 2 since a closed stream records when ({@link #STORE_V2}). */
    static final int STORE_VERSION = 2;
    /** The component of the sidecar tables. */
    static final String SIDECAR_COMPONENT = "sidecar";
    /** The version of the sidecar tables: 2 since every row carries its tenant ({@link #SIDECAR_V1_TABLES}). */
    static final int SIDECAR_VERSION = 2;

    /** The component of the rate-limit table. */
    static final String RATE_LIMIT_COMPONENT = "ratelimit";
    /** The version of the rate-limit table. */
    static final int RATE_LIMIT_VERSION = 1;

    /** The component of the single-use requestState ledger. */
    static final String REQUEST_STATE_COMPONENT = "requeststate";
    /** The version of the ledger's table. */
    static final int REQUEST_STATE_VERSION = 1;

    /** Records a component's version ({@code ?1} component, {@code ?2} version); a newer recorded one stays. */
    static final String RECORD_VERSION = "INSERT INTO schema_version (component, version) VALUES (?, ?) "
            + "ON CONFLICT (component) DO UPDATE SET version = MAX(version, excluded.version)";

    /** The session and event tables. */
    static final List<String> STORE = List.of(
            """
            CREATE TABLE IF NOT EXISTS schema_version (
                component TEXT PRIMARY KEY,
                version   INTEGER NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sessions (
                session_id          TEXT PRIMARY KEY,
                status              TEXT NOT NULL,
                protocol_version    TEXT,
                client_info         TEXT,
                client_capabilities TEXT,
                initialize_params   TEXT NOT NULL,
                principal           TEXT,
                node_id             TEXT NOT NULL,
                created_at          INTEGER NOT NULL,
                last_seen_at        INTEGER NOT NULL,
                logging_level       TEXT)""",
            // One row per stream that was opened or appended to. kind/owner_node/opened_at stay NULL until the
            // stream is opened, closed_at until it is closed; last_seq and event_count are bookkeeping for
            // retention and isKnownPosition.
            """
            CREATE TABLE IF NOT EXISTS streams (
                session_id  TEXT NOT NULL,
                stream_id   TEXT NOT NULL,
                kind        TEXT,
                closed      INTEGER NOT NULL DEFAULT 0,
                owner_node  TEXT,
                opened_at   INTEGER,
                closed_at   INTEGER,
                last_seq    INTEGER NOT NULL DEFAULT 0,
                event_count INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (session_id, stream_id)) WITHOUT ROWID""",
            """
            CREATE TABLE IF NOT EXISTS events (
                seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL,
                stream_id  TEXT NOT NULL,
                direction  TEXT NOT NULL,
                message    TEXT NOT NULL,
                created_at INTEGER NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS events_by_stream ON events (session_id, stream_id, seq)",
            "CREATE INDEX IF NOT EXISTS events_by_age ON events (created_at)",
            "CREATE INDEX IF NOT EXISTS sessions_by_last_seen ON sessions (last_seen_at)");

    /**
     * What version 2 adds to a version-1 file, after {@link #STORE}: the {@code closed_at} column of {@code streams},
     * run only where the table lacks it. Streams closed under version 1 keep NULL and go by event age alone.
     */
    static final String STORE_V2_COLUMN = "ALTER TABLE streams ADD COLUMN closed_at INTEGER";
    /** The index of closed streams by closing time, created after {@link #STORE_V2_COLUMN}. */
    static final String STORE_V2 = "CREATE INDEX IF NOT EXISTS streams_by_closed_at ON streams (closed_at) "
            + "WHERE closed_at IS NOT NULL";

    /**
     * The sidecar tables. Every row belongs to one tenant ({@code tenant}: the principal name, {@code ''} for the
     * anonymous tenant; named tenants are never empty), which leads every primary key and index.
     */
    static final List<String> SIDECAR_TABLES = List.of(
            """
            CREATE TABLE IF NOT EXISTS sidecar_kv (
              tenant     TEXT NOT NULL DEFAULT '',
              key        TEXT NOT NULL,
              value      TEXT NOT NULL,
              version    INTEGER NOT NULL,
              expires_at INTEGER,
              PRIMARY KEY (tenant, key))""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_counters (
              tenant TEXT NOT NULL DEFAULT '',
              name   TEXT NOT NULL,
              value  INTEGER NOT NULL,
              PRIMARY KEY (tenant, name))""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_workflows (
              seq              INTEGER PRIMARY KEY AUTOINCREMENT,
              tenant           TEXT NOT NULL DEFAULT '',
              run_id           TEXT NOT NULL,
              name             TEXT NOT NULL,
              status           TEXT NOT NULL,
              tags             TEXT NOT NULL,
              agent_id         TEXT,
              last_step        INTEGER,
              fencing_token    INTEGER NOT NULL DEFAULT 0,
              claim_ttl_ms     INTEGER,
              claim_expires_at INTEGER,
              result           TEXT,
              error            TEXT,
              created_at       INTEGER NOT NULL,
              updated_at       INTEGER NOT NULL,
              UNIQUE (tenant, run_id))""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_workflow_steps (
              tenant     TEXT NOT NULL DEFAULT '',
              run_id     TEXT NOT NULL,
              step       INTEGER NOT NULL,
              output     TEXT NOT NULL,
              written_at INTEGER NOT NULL,
              PRIMARY KEY (tenant, run_id, step))""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_leases (
              tenant        TEXT NOT NULL DEFAULT '',
              resource_id   TEXT NOT NULL,
              holder        TEXT NOT NULL,
              expires_at    INTEGER NOT NULL,
              fencing_token INTEGER NOT NULL,
              PRIMARY KEY (tenant, resource_id))""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_sessions (
              tenant     TEXT NOT NULL DEFAULT '',
              session_id TEXT NOT NULL,
              context    TEXT NOT NULL,
              saved_at   INTEGER NOT NULL,
              PRIMARY KEY (tenant, session_id))""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_history (
              tenant         TEXT NOT NULL DEFAULT '',
              id             INTEGER NOT NULL,
              key            TEXT,
              op             TEXT NOT NULL,
              new_value      TEXT,
              previous_value TEXT,
              agent_id       TEXT,
              written_at     INTEGER NOT NULL,
              PRIMARY KEY (tenant, id))""");

    /** The sidecar indexes, created after the tables (and after a migration). */
    static final List<String> SIDECAR_INDEXES = List.of(
            "CREATE INDEX IF NOT EXISTS sidecar_kv_expires ON sidecar_kv (expires_at)",
            "CREATE INDEX IF NOT EXISTS sidecar_history_by_tenant_key ON sidecar_history (tenant, key, id)");

    /**
     * The tables of sidecar version 1, which had no {@code tenant} column, and the columns they had: a migration
     * to version 2 rebuilds them (their primary keys change) with their rows in the anonymous tenant. History ids,
     * one {@code AUTOINCREMENT} over all rows in version 1, are counted per tenant since (counter {@code history}
     * in {@code sidecar_counters}), so that no tenant learns from its ids how much the others write.
     */
    static final Map<String, String> SIDECAR_V1_TABLES = orderedMap(
            "sidecar_kv", "key, value, version, expires_at",
            "sidecar_counters", "name, value",
            "sidecar_workflows", "seq, run_id, name, status, tags, agent_id, last_step, fencing_token, claim_ttl_ms, "
                    + "claim_expires_at, result, error, created_at, updated_at",
            "sidecar_workflow_steps", "run_id, step, output, written_at",
            "sidecar_leases", "resource_id, holder, expires_at, fencing_token",
            "sidecar_sessions", "session_id, context, saved_at",
            "sidecar_history", "id, key, op, new_value, previous_value, agent_id, written_at");

    /** Indexes of sidecar version 1, dropped by the migration. */
    static final List<String> SIDECAR_V1_INDEXES = List.of("sidecar_history_key");

    /**
     * The token buckets of rate limiting: one row per bucket; {@code tokens} is fractional, counted up to {@code at};
     * a row past {@code expires_at} is a full bucket and may be deleted.
     */
    static final List<String> RATE_LIMIT = List.of(
            """
            CREATE TABLE IF NOT EXISTS rate_limits (
              bucket     TEXT PRIMARY KEY,
              tokens     REAL NOT NULL,
              at         INTEGER NOT NULL,
              expires_at INTEGER NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS rate_limits_by_expiry ON rate_limits (expires_at)");

    /**
     * The single-use requestState ledger: one row per consumed state, deletable once past {@code expires_at}; and the
     * shared requestState key, one row written once (a table added later, created on files made before it too).
     */
    static final List<String> REQUEST_STATE = List.of(
            """
            CREATE TABLE IF NOT EXISTS request_states (
              id         TEXT PRIMARY KEY,
              expires_at INTEGER NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS request_state_key (
              only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
              key      TEXT NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS request_states_by_expiry ON request_states (expires_at)");

    /** Tables the sidecar's {@code reset} empties; {@code sidecar_counters} survives so versions and tokens keep rising. */
    static final List<String> SIDECAR_RESET_TABLES = List.of("sidecar_kv", "sidecar_workflows",
            "sidecar_workflow_steps", "sidecar_leases", "sidecar_sessions", "sidecar_history");

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    private SqliteSchema() {
    }
}
