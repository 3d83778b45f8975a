package dev.mcpstate.sidecar.sqlite;

import java.util.List;

/** The sidecar's tables. Every statement is idempotent. Times are epoch milliseconds. */
final class SqliteSchema {

    static final List<String> STATEMENTS = List.of(
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

    /** Tables {@code reset} empties; {@code sidecar_counters} survives so versions and tokens keep rising. */
    static final List<String> RESET_TABLES = List.of("sidecar_kv", "sidecar_workflows", "sidecar_workflow_steps",
            "sidecar_leases", "sidecar_sessions", "sidecar_history");

    private SqliteSchema() {
    }
}
