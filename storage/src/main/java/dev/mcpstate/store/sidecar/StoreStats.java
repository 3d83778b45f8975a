package dev.mcpstate.store.sidecar;

/**
 * Counts for the health report.
 *
 * @param keyCount live (unexpired) keys
 * @param workflowCount workflow runs in any status
 */
public record StoreStats(long keyCount, long workflowCount) {
}
