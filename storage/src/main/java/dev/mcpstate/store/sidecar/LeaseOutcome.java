package dev.mcpstate.store.sidecar;

/**
 * The outcome of acquiring or renewing a lease.
 *
 * @param granted true when the caller holds the lease after the call
 * @param lease the caller's lease when granted; otherwise the lease that blocked the call (held by another
 *     holder, or already held by the caller when acquiring), or null when there is no live lease
 */
public record LeaseOutcome(boolean granted, Lease lease) {
}
