package dev.mcpstate.store.memory;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.internal.LocalClusterBus;
import dev.mcpstate.store.internal.BaseBackend;

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
public final class InMemoryBackend extends BaseBackend {

    private final InMemoryRateLimitStore rateLimits;
    private final InMemoryRequestStateLedger requestStates;

    /**
     * @param config retention ({@link StorageConfig#maxEventsPerStream()}); not null
     * @param clock  the clock of every time the stores record; not null
     */
    public InMemoryBackend(StorageConfig config, Clock clock) {
        this(new InMemoryEventStore(Objects.requireNonNull(clock, "clock must not be null"),
                Objects.requireNonNull(config, "config must not be null").maxEventsPerStream()), clock);
    }

    private InMemoryBackend(InMemoryEventStore events, Clock clock) {
        super("memory", false, new InMemorySessionStore(events), events, new InMemorySidecarStore(clock));
        this.rateLimits = new InMemoryRateLimitStore(clock);
        this.requestStates = new InMemoryRequestStateLedger(clock);
    }

    @Override
    public RateLimitStore rateLimits() {
        return rateLimits;
    }

    @Override
    public RequestStateLedger requestStates() {
        return requestStates;
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
