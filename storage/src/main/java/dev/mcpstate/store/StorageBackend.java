package dev.mcpstate.store;

import dev.mcpstate.store.sidecar.SidecarStore;

import java.time.Duration;

/**
 * The storage SPI of mcp-state: one open backend that supplies everything mcp-state keeps and shares — the
 * {@link SessionStore}, the {@link EventStore}, the {@link SidecarStore} of the state-sidecar tools, the
 * {@link RateLimitStore} of the filter's rate limiting, the {@link RequestStateLedger} of single-use
 * {@code requestState}, and the {@link ClusterBus} through which the nodes sharing
 * the backend talk.
 *
 * <p>Built in: SQLite (one file, one node), Redis (many nodes) and in memory (one process, for tests), chosen by
 * {@link StorageConfig} and opened by {@link Storage#open(StorageConfig, java.time.Clock)}. Any other
 * implementation plugs in through {@link Storage#of(StorageBackend, StorageConfig, java.time.Clock)}; its stores
 * must pass the contract suites the built-in backends pass.
 *
 * <p>Implementations are thread-safe. Every store method throws {@link StoreException} on a storage fault and
 * nothing else for a fault; expected outcomes are return values. The backend owns its connections: the stores it
 * hands out are valid until {@link #close()}.
 */
public interface StorageBackend extends AutoCloseable {

    /** @return a short lower-case name for logs, health and metrics, e.g. {@code sqlite}, {@code redis} */
    String name();

    /** @return true when several nodes can share this backend (any node then serves any session) */
    boolean shared();

    /** @return the session store; the same instance on every call */
    SessionStore sessions();

    /** @return the event store; the same instance on every call */
    EventStore events();

    /** @return the store of the state-sidecar tools on this backend; the same instance on every call */
    SidecarStore sidecar();

    /**
     * The token buckets of the session filter's rate limiting (off unless configured). Optional for backends of
     * your own: the default has none, and a filter configured to rate-limit on such a backend fails to start.
     *
     * @return the rate-limit store; the same instance on every call
     * @throws UnsupportedOperationException when this backend has no rate-limit store (the default)
     */
    default RateLimitStore rateLimits() {
        throw new UnsupportedOperationException("storage backend " + name() + " has no rate-limit store");
    }

    /**
     * The single-use ledger of {@code requestState} (MCP spec 2026-07-28, "Multi Round-Trip Requests"). Optional for
     * backends of your own: the default has none, and single-use state cannot be consumed on such a backend.
     *
     * @return the ledger; the same instance on every call
     * @throws UnsupportedOperationException when this backend has no ledger (the default)
     */
    default RequestStateLedger requestStates() {
        throw new UnsupportedOperationException("storage backend " + name() + " has no requestState ledger");
    }

    /**
     * Opens a cluster bus for one node instance. Each call opens a new bus; the caller closes it.
     *
     * @param owner             this node instance's owner tag, {@code <nodeId>#<instance>}; not null
     * @param heartbeatInterval how often this node proves it is alive; positive
     * @param deadAfter         silence after which a node counts as dead; longer than {@code heartbeatInterval}
     * @return the bus, already heart-beating
     * @throws StoreException when the bus cannot subscribe
     */
    ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter);

    /**
     * Whether the backend is worth asking now, decided without I/O: false while it is known to fail — Redis while
     * its circuit breaker is open (it then fails every call at once, and lets probes through again after a second),
     * SQLite once its database file was deleted, replaced or made read-only. The session filter asks on every
     * request and answers {@code 503} at once while this is false, before the MCP server runs anything. True does
     * not promise the next call succeeds.
     *
     * <p>Cheap (no round trip; SQLite looks at its file at most once a second) and thread-safe.
     *
     * @return false while calls would fail anyway; the default is always true
     */
    default boolean available() {
        return true;
    }

    /**
     * Probes the backend now, for readiness checks: one round trip bounded by
     * {@link StorageConfig#commandTimeout()} (Redis: {@code PING}); SQLite: the database file is still the one it
     * opened and writable, and a query runs. Thread-safe.
     *
     * @throws StoreException naming the fault when the backend cannot serve now; the default never throws
     */
    default void check() {
        // a backend without a probe counts as healthy
    }

    /** Releases the backend's connections. Idempotent. */
    @Override
    void close();
}
