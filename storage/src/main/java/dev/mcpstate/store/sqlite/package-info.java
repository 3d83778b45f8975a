/**
 * The SQLite backend ({@link dev.mcpstate.store.sqlite.SqliteBackend}): one embedded database file in WAL mode
 * holding sessions, streams, events and sidecar state ({@code SqliteSchema}). One node; survives restarts.
 */
package dev.mcpstate.store.sqlite;
