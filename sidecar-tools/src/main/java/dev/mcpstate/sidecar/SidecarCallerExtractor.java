package dev.mcpstate.sidecar;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;
import java.util.Objects;

/**
 * Tells the sidecar tools who is calling: captures each HTTP request's authenticated principal into the SDK's
 * transport context, where the tools read it ({@link SidecarCaller#from}). Install it on the SDK's servlet
 * transport:
 *
 * <pre>{@code
 * HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
 *         .mcpEndpoint("/mcp")
 *         .contextExtractor(new SidecarCallerExtractor())
 *         .build();
 * }</pre>
 *
 * <p>The caller is {@code request.getUserPrincipal().getName()}, an admin when
 * {@code request.isUserInRole(adminRole)} (default {@value #DEFAULT_ADMIN_ROLE}); no principal, or one with an
 * empty name, is the anonymous caller, never an admin. Whatever authenticates the request — the container, or a
 * servlet filter in front that wraps the request — must make those two methods answer before the SDK's servlet
 * runs. The SDK calls the extractor on the servlet thread for every POST, GET and DELETE and hands the context to
 * the tool handler of that request, even when the handler runs on another thread; so the principal that counts
 * is the one of the request carrying the tool call (a session resumed or admitted on another node is no
 * exception).
 *
 * <p>Without this extractor every caller is anonymous: the one, shared anonymous tenant, as before tenants
 * existed. Immutable and thread-safe.
 */
public final class SidecarCallerExtractor implements McpTransportContextExtractor<HttpServletRequest> {

    /** The role that makes a principal an admin unless another is given: {@value}. */
    public static final String DEFAULT_ADMIN_ROLE = "admin";

    private final String adminRole;

    /** Admins are the principals in role {@value #DEFAULT_ADMIN_ROLE}. */
    public SidecarCallerExtractor() {
        this(DEFAULT_ADMIN_ROLE);
    }

    /**
     * @param adminRole the role, as passed to {@code isUserInRole}, that makes a principal an admin; not null, not
     *     empty
     */
    public SidecarCallerExtractor(String adminRole) {
        Objects.requireNonNull(adminRole, "adminRole must not be null");
        if (adminRole.isEmpty()) {
            throw new IllegalArgumentException("adminRole must not be empty");
        }
        this.adminRole = adminRole;
    }

    /** @return the role that makes a principal an admin */
    public String adminRole() {
        return adminRole;
    }

    /**
     * @param request the request; not null
     * @return its caller; never null
     */
    public SidecarCaller callerOf(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        if (principal == null || principal.getName() == null || principal.getName().isEmpty()) {
            return SidecarCaller.ANONYMOUS;
        }
        return new SidecarCaller(principal.getName(), request.isUserInRole(adminRole));
    }

    /** @return a context holding the request's caller ({@link SidecarCaller#contextEntries()}) */
    @Override
    public McpTransportContext extract(HttpServletRequest request) {
        return callerOf(request).toTransportContext();
    }
}
