package dev.mcpstate.store.sidecar;

import java.time.Instant;

/**
 * A lease on a resource.
 *
 * @param resourceId the resource; never null
 * @param holder the holder; never null
 * @param expiresAt when the lease lapses; never null
 * @param fencingToken the token handed out when this lease was acquired: positive and strictly greater than
 *     the token of every earlier acquisition of the same resource (renewal keeps it)
 */
public record Lease(String resourceId, String holder, Instant expiresAt, long fencingToken) {
}
