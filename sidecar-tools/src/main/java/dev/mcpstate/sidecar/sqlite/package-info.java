/**
 * The SQLite backend of the sidecar store: tables {@code sidecar_*} in the interceptor's database file, WAL,
 * {@code BEGIN IMMEDIATE} transactions and a busy timeout, so several processes may share the file.
 */
package dev.mcpstate.sidecar.sqlite;
