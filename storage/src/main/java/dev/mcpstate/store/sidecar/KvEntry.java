package dev.mcpstate.store.sidecar;

import java.time.Instant;

/**
 * A live key-value entry.
 *
 * @param key the key; never null
 * @param valueJson the value as JSON text; never null (a JSON {@code null} is the text {@code "null"})
 * @param version the revision of this value: positive, strictly greater than every version the tenant's store
 *     handed out before (versions are tenant-wide, like etcd revisions, so a deleted and re-created key never
 *     repeats a version; versions of different tenants are unrelated)
 * @param expiresAt when the entry expires; null when it never does
 */
public record KvEntry(String key, String valueJson, long version, Instant expiresAt) {
}
