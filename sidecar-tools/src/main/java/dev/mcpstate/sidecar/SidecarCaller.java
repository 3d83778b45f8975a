package dev.mcpstate.sidecar;

import io.modelcontextprotocol.common.McpTransportContext;

import java.util.HashMap;
import java.util.Map;

/**
 * Who calls a sidecar tool: a principal (one principal is one tenant of the sidecar's state) or nobody
 * (anonymous), and whether the caller is an admin.
 *
 * <p>The tools read it, on every call, from the SDK's {@link McpTransportContext} of the request that carried the
 * call ({@code exchange.transportContext()}), under two keys: {@value #PRINCIPAL_KEY} (a non-empty
 * {@code String}) and {@value #ADMIN_KEY} ({@code Boolean.TRUE}). Over HTTP the context is filled per request by
 * {@link SidecarCallerExtractor} from {@code HttpServletRequest.getUserPrincipal()} and
 * {@code isUserInRole("admin")}; a transport without such an extractor (stdio, or HTTP without it) gives an empty
 * context, hence anonymous callers. A custom extractor can put {@link #contextEntries()} into its own context.
 *
 * @param principal the principal's name, which names the caller's tenant; null for an anonymous caller, never
 *     empty
 * @param admin true for an admin, who may reset every tenant; always false for an anonymous caller
 */
public record SidecarCaller(String principal, boolean admin) {

    /**
     * Transport-context key of the caller's principal name: a non-empty {@code String}; absent for an anonymous
     * caller.
     */
    public static final String PRINCIPAL_KEY = "dev.mcpstate.sidecar.principal";

    /** Transport-context key of the admin flag: {@code Boolean.TRUE} for an admin principal; absent otherwise. */
    public static final String ADMIN_KEY = "dev.mcpstate.sidecar.admin";

    /** The caller without a principal: the anonymous tenant, not an admin. */
    public static final SidecarCaller ANONYMOUS = new SidecarCaller(null, false);

    /**
     * @throws IllegalArgumentException when {@code principal} is empty, or {@code admin} is true without a
     *     principal
     */
    public SidecarCaller {
        if (principal != null && principal.isEmpty()) {
            throw new IllegalArgumentException("principal must be null (anonymous) or non-empty");
        }
        if (admin && principal == null) {
            throw new IllegalArgumentException("an anonymous caller cannot be an admin");
        }
    }

    /**
     * @param principal the principal's name; not null, not empty
     * @return a caller that is not an admin
     */
    public static SidecarCaller principal(String principal) {
        return new SidecarCaller(java.util.Objects.requireNonNull(principal, "principal must not be null"), false);
    }

    /**
     * @param principal the principal's name; not null, not empty
     * @return an admin caller
     */
    public static SidecarCaller admin(String principal) {
        return new SidecarCaller(java.util.Objects.requireNonNull(principal, "principal must not be null"), true);
    }

    /**
     * Reads the caller from a transport context. A missing, non-{@code String} or empty {@value #PRINCIPAL_KEY}
     * gives {@link #ANONYMOUS} (whatever {@value #ADMIN_KEY} says); otherwise the caller is an admin exactly
     * when {@value #ADMIN_KEY} is {@code Boolean.TRUE}.
     *
     * @param context the request's transport context; null is read as an empty context
     * @return the caller; never null
     */
    public static SidecarCaller from(McpTransportContext context) {
        if (context == null || !(context.get(PRINCIPAL_KEY) instanceof String name) || name.isEmpty()) {
            return ANONYMOUS;
        }
        return new SidecarCaller(name, Boolean.TRUE.equals(context.get(ADMIN_KEY)));
    }

    /** @return true when there is no principal */
    public boolean anonymous() {
        return principal == null;
    }

    /**
     * @return the transport-context entries that {@link #from} reads back as this caller: empty for
     *     {@link #ANONYMOUS}, otherwise {@value #PRINCIPAL_KEY} and, for an admin, {@value #ADMIN_KEY}; a new,
     *     mutable map
     */
    public Map<String, Object> contextEntries() {
        Map<String, Object> entries = new HashMap<>();
        if (principal != null) {
            entries.put(PRINCIPAL_KEY, principal);
            if (admin) {
                entries.put(ADMIN_KEY, Boolean.TRUE);
            }
        }
        return entries;
    }

    /** @return a transport context holding only {@link #contextEntries()} */
    public McpTransportContext toTransportContext() {
        return principal == null ? McpTransportContext.EMPTY : McpTransportContext.create(contextEntries());
    }
}
