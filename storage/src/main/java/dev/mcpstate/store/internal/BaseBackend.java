package dev.mcpstate.store.internal;

import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.StorageBackend;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.util.Objects;

/**
 * What every built-in backend shares: its name and its three stores, fixed at construction. Subclasses open the
 * cluster bus and close their connections. Thread-safe.
 */
public abstract class BaseBackend implements StorageBackend {

    private final String name;
    private final boolean shared;
    private final SessionStore sessions;
    private final EventStore events;
    private final SidecarStore sidecar;

    /**
     * @param name     the backend's name; not null
     * @param shared   whether many nodes can share it
     * @param sessions its session store; not null
     * @param events   its event store; not null
     * @param sidecar  its sidecar store; not null
     */
    protected BaseBackend(String name, boolean shared, SessionStore sessions, EventStore events,
            SidecarStore sidecar) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.shared = shared;
        this.sessions = Objects.requireNonNull(sessions, "sessions must not be null");
        this.events = Objects.requireNonNull(events, "events must not be null");
        this.sidecar = Objects.requireNonNull(sidecar, "sidecar must not be null");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean shared() {
        return shared;
    }

    @Override
    public final SessionStore sessions() {
        return sessions;
    }

    @Override
    public final EventStore events() {
        return events;
    }

    @Override
    public final SidecarStore sidecar() {
        return sidecar;
    }
}
