package dev.mcpstate.store.sqlite;

import java.util.List;

/**
 * Every table of the SQLite backend, in one place. Each statement is idempotent; times are epoch milliseconds.
 * The table {@code schema_version(component, version)} records one row per component: {@value #STORE_COMPONENT}
 * (sessions, streams, events), {@value #SIDECAR_COMPONENT} (the {@code sidecar_*} tables, created on first use
 * of the sidecar store) and {@value #RATE_LIMIT_COMPONENT} (the {@code rate_limits} table, created when the backend
 * opens).
 */
final class SqliteSchema {

    /** The component of the session and event tables. */
    static final String STORE_COMPONENT = "store";
    /** The version of the session and event tables. */
    static final int STORE_VERSION = 1;
    /** The component of the sidecar tables. */
    static final String SIDECAR_COMPONENT = "sidecar";
    /** The version of the sidecar tables. */
    static final int SIDECAR_VERSION = 1;

    /** The component of the rate-limit table. */
    static final String RATE_LIMIT_COMPONENT = "ratelimit";
    /** The version of the rate-limit table. */
    static final int RATE_LIMIT_VERSION = 1;

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
            // stream is opened; last_seq and event_count are bookkeeping for retention and isKnownPosition.
            """
            CREATE TABLE IF NOT EXISTS streams (
                session_id  TEXT NOT NULL,
                stream_id   TEXT NOT NULL,
                kind        TEXT,
                closed      INTEGER NOT NULL DEFAULT 0,
                owner_node  TEXT,
                opened_at   INTEGER,
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

    /** The sidecar tables. */
    static final List<String> SIDECAR = List.of(
            """
            CREATE TABLE IF NOT EXISTS sidecar_kv (
              key        TEXT PRIMARY KEY,
              value      TEXT NOT NULL,
              version    INTEGER NOT NULL,
              expires_at INTEGER)""",
            "CREATE INDEX IF NOT EXISTS sidecar_kv_expires ON sidecar_kv (expires_at)",
            """
            CREATE TABLE IF NOT EXISTS sidecar_counters (
              name  TEXT PRIMARY KEY,
              value INTEGER NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_workflows (
              seq              INTEGER PRIMARY KEY AUTOINCREMENT,
              run_id           TEXT NOT NULL UNIQUE,
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
              updated_at       INTEGER NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_workflow_steps (
              run_id     TEXT NOT NULL,
              step       INTEGER NOT NULL,
              output     TEXT NOT NULL,
              written_at INTEGER NOT NULL,
              PRIMARY KEY (run_id, step))""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_leases (
              resource_id   TEXT PRIMARY KEY,
              holder        TEXT NOT NULL,
              expires_at    INTEGER NOT NULL,
              fencing_token INTEGER NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_sessions (
              session_id TEXT PRIMARY KEY,
              context    TEXT NOT NULL,
              saved_at   INTEGER NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS sidecar_history (
              id             INTEGER PRIMARY KEY AUTOINCREMENT,
              key            TEXT,
              op             TEXT NOT NULL,
              new_value      TEXT,
              previous_value TEXT,
              agent_id       TEXT,
              written_at     INTEGER NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS sidecar_history_key ON sidecar_history (key, id)");

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

    /** Tables the sidecar's {@code reset} empties; {@code sidecar_counters} survives so versions and tokens keep rising. */
    static final List<String> SIDECAR_RESET_TABLES = List.of("sidecar_kv", "sidecar_workflows",
            "sidecar_workflow_steps", "sidecar_leases", "sidecar_sessions", "sidecar_history");

    private SqliteSchema() {
    }
}
