package dev.mcpstate.interceptor;

import dev.mcpstate.store.ClusterBus;

/**
 * Something that carries messages over a started filter's cluster bus, such as {@link ClusterChangeFeed}: the filter
 * attaches it when it starts and detaches it when it stops ({@link McpStateFilter#broadcastChangesThrough}). A type
 * of its own, without MCP SDK types, so that the filter loads on SDK versions without the era that needs it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ClusterBusListener {

    /** @param bus the started bus of a filter; not null */
    void attach(ClusterBus bus);

    /** @param bus the bus given to {@link #attach} before; not null */
    void detach(ClusterBus bus);
}
