/**
 * The Redis backend of the sidecar store: hashes and sorted sets under
 * {@code <prefix>:sidecar:{sc}:}, every operation one Lua script (atomic), time passed in from the
 * caller's clock.
 */
package dev.mcpstate.sidecar.redis;
