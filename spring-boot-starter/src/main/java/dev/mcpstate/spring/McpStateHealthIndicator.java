package dev.mcpstate.spring;

import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.store.Storage;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.Objects;

/**
 * Actuator health of mcp-state ({@code /actuator/health/mcpState}): {@code UP} when the store answers a read,
 * {@code DOWN} with the fault when it does not (an unreachable Redis, an unreadable SQLite file). Details: the
 * backend ({@code sqlite}, {@code redis}), whether nodes share it, this node's id and the sessions its MCP server
 * holds now.
 *
 * <p>Each check is one store read (one Redis command, one SQLite query). Thread-safe.
 */
public class McpStateHealthIndicator extends AbstractHealthIndicator {

    /** The session id the check looks up; no session has it, so the read finds nothing. */
    static final String PROBE_SESSION_ID = "mcp-state-health-probe";

    private final Storage storage;
    private final McpStateFilter filter;
    private final String nodeId;

    /**
     * @param storage the storage the filter uses; not null
     * @param filter  the session filter; not null
     * @param nodeId  this node's id; not null
     */
    public McpStateHealthIndicator(Storage storage, McpStateFilter filter, String nodeId) {
        super("mcp-state store unreachable");
        this.storage = Objects.requireNonNull(storage, "storage must not be null");
        this.filter = Objects.requireNonNull(filter, "filter must not be null");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId must not be null");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        storage.sessions().find(PROBE_SESSION_ID); // throws StoreException when the store cannot be read
        builder.up()
                .withDetail("store", storage.backend().name())
                .withDetail("shared", storage.backend().shared())
                .withDetail("node", nodeId)
                .withDetail("localSessions", filter.localSessionIds().size());
    }
}
