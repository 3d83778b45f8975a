package dev.mcpstate.spring;

import dev.mcpstate.interceptor.McpStateFilter;
import dev.mcpstate.store.Storage;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.Objects;

/**
 * Actuator health of mcp-state ({@code /actuator/health/mcpState}): {@code UP} when the store passes
 * {@link Storage#check()}, the probe behind the Jetty integration's {@code /health/ready} too; {@code DOWN} with the
 * fault when it does not (an unreachable Redis; a SQLite file that is unreadable, deleted, replaced or read-only). Details: the
 * backend ({@code sqlite}, {@code redis}), whether nodes share it, this node's id and the sessions its MCP server
 * holds now.
 *
 * <p>Each check is one probe of the store (a Redis command; a look at the SQLite file and a query). Thread-safe.
 */
public class McpStateHealthIndicator extends AbstractHealthIndicator {

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
        storage.check(); // throws StoreException naming the fault when the store cannot serve
        builder.up()
                .withDetail("store", storage.backend().name())
                .withDetail("shared", storage.backend().shared())
                .withDetail("node", nodeId)
                .withDetail("localSessions", filter.localSessionIds().size());
    }
}
