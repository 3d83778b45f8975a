package dev.mcpstate.spring;

import dev.mcpstate.interceptor.McpStateFilter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;

/**
 * Micrometer meters of the session filter, bound to every registry Actuator configures:
 * <ul>
 *   <li>{@code mcp.state.sessions.local} (gauge): the sessions this node's MCP server holds now;</li>
 *   <li>{@code mcp.state.admissions} (counter): stored sessions this node admitted into its MCP server since it
 *       started — sessions that began on another node or before a restart.</li>
 * </ul>
 * Both carry the tag {@code node}. Reading them touches no store. Thread-safe.
 */
public class McpStateMetrics implements MeterBinder {

    private final McpStateFilter filter;
    private final String nodeId;

    /**
     * @param filter the session filter; not null
     * @param nodeId this node's id, the {@code node} tag; not null
     */
    public McpStateMetrics(McpStateFilter filter, String nodeId) {
        this.filter = Objects.requireNonNull(filter, "filter must not be null");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId must not be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mcp.state.sessions.local", filter, f -> f.localSessionIds().size())
                .description("Sessions this node's MCP server holds now")
                .tag("node", nodeId)
                .register(registry);
        FunctionCounter.builder("mcp.state.admissions", filter, McpStateFilter::admissions)
                .description("Stored sessions this node admitted into its MCP server since it started")
                .tag("node", nodeId)
                .register(registry);
    }
}
