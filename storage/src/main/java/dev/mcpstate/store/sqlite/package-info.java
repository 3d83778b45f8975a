/**
 * The SQLite backend of the session and event stores: one embedded database file in WAL mode, shared with the
 * sidecar tools through {@link dev.mcpstate.store.sqlite.SqliteDatabase}. One node; survives restarts.
 */
package dev.mcpstate.store.sqlite;
