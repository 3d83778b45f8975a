package dev.mcpstate.store;

import dev.mcpstate.store.memory.InMemoryBackend;
import dev.mcpstate.store.redis.RedisBackend;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.sqlite.SqliteBackend;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The open storage of one node: a {@link StorageBackend} together with the {@link StorageConfig} (retention) and
 * the {@link Clock} the stores were opened with. Everything in mcp-state that keeps state — the session filter, the
 * sidecar tools, the cluster bus — takes a {@code Storage}.
 *
 * <pre>{@code
 * try (Storage storage = Storage.open(StorageConfig.sqlite(Path.of("state.db")), Clock.systemUTC())) {
 *     storage.sessions().find(sessionId);
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes the backend.
 */
public final class Storage implements AutoCloseable {

    private final StorageBackend backend;
    private final StorageConfig config;
    private final Clock clock;

    private Storage(StorageBackend backend, StorageConfig config, Clock clock) {
        this.backend = Objects.requireNonNull(backend, "backend must not be null");
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /**
     * Opens the built-in backend a configuration chooses: creates the SQLite file and schema, connects to Redis,
     * or creates an empty in-memory store. This is the one place where the backend is chosen.
     *
     * @param config where and how long to keep state; not null
     * @param clock  the source of every time the stores record themselves (event and stream times); not null
     * @return the open storage; close it when done
     * @throws StoreException when the backend cannot be opened
     */
    public static Storage open(StorageConfig config, Clock clock) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        StorageBackend backend = switch (config.backend()) {
            case SQLITE -> SqliteBackend.open(config, clock);
            case REDIS -> RedisBackend.open(config, clock);
            case MEMORY -> new InMemoryBackend(config, clock);
        };
        return new Storage(backend, config, clock);
    }

    /**
     * Wraps any backend, e.g. one of your own.
     *
     * @param backend the open backend; owned by the returned storage from now on; not null
     * @param config  the retention settings the filter applies; its backend fields are ignored; not null
     * @param clock   the clock the backend's stores use; not null
     * @return the storage; closing it closes {@code backend}
     */
    public static Storage of(StorageBackend backend, StorageConfig config, Clock clock) {
        return new Storage(backend, config, clock);
    }

    /** @return the session store; never null */
    public SessionStore sessions() {
        return backend.sessions();
    }

    /** @return the event store; never null */
    public EventStore events() {
        return backend.events();
    }

    /** @return the state-sidecar store on this storage; never null */
    public SidecarStore sidecar() {
        return backend.sidecar();
    }

    /**
     * @return the token buckets of the filter's rate limiting ({@link StorageBackend#rateLimits()}); never null
     * @throws UnsupportedOperationException when the backend has none
     */
    public RateLimitStore rateLimits() {
        return backend.rateLimits();
    }

    /**
     * @return the single-use ledger of {@code requestState} ({@link StorageBackend#requestStates()}); never null
     * @throws UnsupportedOperationException when the backend has none
     */
    public RequestStateLedger requestStates() {
        return backend.requestStates();
    }

    /**
     * Opens a cluster bus for one node instance ({@link StorageBackend#openBus}); the caller closes it.
     *
     * @throws StoreException when the bus cannot subscribe
     */
    public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
        return backend.openBus(owner, heartbeatInterval, deadAfter);
    }

    /**
     * @return false while the backend is known to fail every call, without I/O ({@link StorageBackend#available()})
     */
    public boolean available() {
        return backend.available();
    }

    /**
     * Probes the backend now, e.g. for a readiness endpoint ({@link StorageBackend#check()}).
     *
     * @throws StoreException naming the fault when the backend cannot serve now
     */
    public void check() {
        backend.check();
    }

    /** @return the backend behind this storage; never null */
    public StorageBackend backend() {
        return backend;
    }

    /** @return the configuration this storage was opened with; never null */
    public StorageConfig config() {
        return config;
    }

    /** @return the clock the stores use; never null */
    public Clock clock() {
        return clock;
    }

    /** Closes the backend. Idempotent. */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "Storage[" + backend.name() + ":" + config + "]";
    }
}
