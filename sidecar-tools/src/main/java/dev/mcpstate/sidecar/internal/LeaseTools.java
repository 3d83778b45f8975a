package dev.mcpstate.sidecar.internal;

import dev.mcpstate.store.sidecar.Lease;
import dev.mcpstate.store.sidecar.LeaseOutcome;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.util.List;
import java.util.Map;

import static dev.mcpstate.sidecar.internal.Results.of;
import static dev.mcpstate.sidecar.internal.Results.seconds;

/** Group 3: {@code lease_acquire}, {@code lease_release}, {@code lease_renew}. */
final class LeaseTools {

    List<ToolDef> tools() {
        Schema holderInput = Schema.object()
                .required("resource_id", "string", "The resource to lock, e.g. \"repo:main\".")
                .required("holder_id", "string", "The agent taking the lease.");
        return List.of(
                ToolDef.write("lease_acquire", """
                        Take an exclusive, expiring lease (lock) on a resource. Fails with acquired=false while \
                        anyone, the caller included, holds an unexpired lease; an expired lease is taken over. \
                        Returns {acquired, resource_id, holder, expires_at, reason, fencing_token}. Pass \
                        fencing_token to the resource with every write so it can reject a holder whose lease \
                        has since passed to someone else (tokens only grow).""",
                        Schema.object()
                                .required("resource_id", "string", "The resource to lock, e.g. \"repo:main\".")
                                .required("holder_id", "string", "The agent taking the lease.")
                                .required("ttl_seconds", "number", "Lease duration in seconds; positive, fractions allowed."),
                        Schema.object()
                                .required("acquired", "boolean", "True when the caller now holds the lease.")
                                .required("resource_id", "string", "The resource.")
                                .required("holder", "string?", "The current holder.")
                                .required("expires_at", "number?", "When the current lease ends, epoch seconds.")
                                .required("reason", "string?", "Why it was not acquired; null on success.")
                                .optional("fencing_token", "integer?", "The new lease's fencing token; null when not acquired."),
                        this::acquire),
                ToolDef.write("lease_release", """
                        Release a lease. Only its holder can, and only while it has not expired. Returns \
                        {released, resource_id}.""",
                        holderInput,
                        Schema.object()
                                .required("released", "boolean", "True when the caller's live lease was released.")
                                .required("resource_id", "string", "The resource."),
                        this::release),
                ToolDef.write("lease_renew", """
                        Extend an unexpired lease held by the caller to now + ttl_seconds; the fencing token \
                        stays. Returns {renewed, resource_id, expires_at}.""",
                        Schema.object()
                                .required("resource_id", "string", "The resource.")
                                .required("holder_id", "string", "The current holder.")
                                .required("ttl_seconds", "number", "New duration from now in seconds; positive."),
                        Schema.object()
                                .required("renewed", "boolean", "True when the lease was extended.")
                                .required("resource_id", "string", "The resource.")
                                .required("expires_at", "number?", "The new expiry, epoch seconds; null when not renewed.")
                                .optional("reason", "string?", "Why it was not renewed.")
                                .optional("fencing_token", "integer?", "The lease's fencing token."),
                        this::renew));
    }

    private Map<String, Object> acquire(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String resourceId = args.id("resource_id");
        String holderId = args.id("holder_id");
        LeaseOutcome outcome = store.acquireLease(resourceId, holderId, args.ttl("ttl_seconds"));
        Lease lease = outcome.lease();
        return of("acquired", outcome.granted(), "resource_id", resourceId,
                "holder", lease == null ? null : lease.holder(),
                "expires_at", lease == null ? null : seconds(lease.expiresAt()),
                "reason", outcome.granted() || lease == null ? null : "Held by '" + lease.holder() + "'",
                "fencing_token", outcome.granted() ? lease.fencingToken() : null);
    }

    private Map<String, Object> release(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String resourceId = args.id("resource_id");
        return of("released", store.releaseLease(resourceId, args.id("holder_id")), "resource_id", resourceId);
    }

    private Map<String, Object> renew(ToolCall call) {
        Args args = call.args();
        SidecarStore store = call.store();
        String resourceId = args.id("resource_id");
        String holderId = args.id("holder_id");
        LeaseOutcome outcome = store.renewLease(resourceId, holderId, args.ttl("ttl_seconds"));
        Lease lease = outcome.lease();
        String reason = outcome.granted() ? null
                : lease == null ? "No live lease on '" + resourceId + "'" : "Held by '" + lease.holder() + "'";
        return of("renewed", outcome.granted(), "resource_id", resourceId,
                "expires_at", outcome.granted() ? seconds(lease.expiresAt()) : null,
                "reason", reason,
                "fencing_token", outcome.granted() ? lease.fencingToken() : null);
    }
}
