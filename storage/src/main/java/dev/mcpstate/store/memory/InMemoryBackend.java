package dev.mcpstate.store.memory;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.StorageBackend;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.internal.LocalClusterBus;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The in-memory backend: sessions, events and sidecar state in this process's memory, lost when it exits; one node.
 * For tests of servers built on mcp-state (and of mcp-state itself): it passes the same contract suites as SQLite
 * and Redis, with the semantics of the SQLite backend (decimal entry ids from one counter).
 *
 * <p>Thread-safe; its stores never throw {@link dev.mcpstate.store.StoreException}. Open it through
 * {@link dev.mcpstate.store.Storage#open(StorageConfig, Clock)} with {@link StorageConfig#inMemory()}.
 */
public final class InMemoryBackend implements StorageBackend {

    private final InMemoryEventStore events;
    private final InMemorySessionStore sessions;
    private final InMemorySidecarStore sidecar;

    /**
     * @param config retention ({@link StorageConfig#maxEventsPerStream()}); not null
     * @param clock  the clock of every time the stores record; not null
     */
    public InMemoryBackend(StorageConfig config, Clock clock) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        this.events = new InMemoryEventStore(clock, config.maxEventsPerStream());
        this.sessions = new InMemorySessionStore(events);
        this.sidecar = new InMemorySidecarStore(clock);
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public EventStore events() {
        return events;
    }

    @Override
    public SidecarStore sidecar() {
        return sidecar;
    }

    @Override
    public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
        return new LocalClusterBus(owner);
    }

    /** Does nothing: the state lives until the backend is garbage. */
    @Override
    public void close() {
        // nothing to release
    }
}
