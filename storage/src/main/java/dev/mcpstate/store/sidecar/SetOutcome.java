package dev.mcpstate.store.sidecar;

/**
 * The outcome of a (possibly conditional) write of a key.
 *
 * @param written true when the value was stored
 * @param version the key's version after the call: the new version when written, otherwise the current
 *     version, {@code 0} when the key is absent or expired
 */
public record SetOutcome(boolean written, long version) {
}
