package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.internal.BaseBackend;
import dev.mcpstate.store.internal.LocalClusterBus;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The SQLite backend: one embedded database file in WAL mode holding sessions, streams, events and the sidecar's
 * tables ({@link SqliteSchema}). One node; everything survives a restart. Its cluster bus delivers in process.
 * A database file deleted, replaced or made read-only while open is noticed before and after every write batch:
 * writes then fail with {@link StoreException} instead of going into a file no one will read.
 *
 * <p>Thread-safe. Open it through {@link dev.mcpstate.store.Storage#open(StorageConfig, Clock)} with
 * {@link StorageConfig#sqlite(Path)}.
 */
public final class SqliteBackend extends BaseBackend {

    private final SqliteDatabase db;
    private final SqliteRateLimitStore rateLimits;
    private final SqliteRequestStateLedger requestStates;

    private SqliteBackend(SqliteDatabase db, StorageConfig config, Clock clock) {
        super("sqlite", false, new SqliteSessionStore(db), new SqliteEventStore(db, clock, config.maxEventsPerStream()),
                new SqliteSidecarStore(db, clock));
        this.db = db;
        this.rateLimits = new SqliteRateLimitStore(db, clock);
        this.requestStates = new SqliteRequestStateLedger(db, clock);
    }

    /**
     * Opens (creating when missing) the database file of a configuration and its schema.
     *
     * @param config the configuration; its {@link StorageConfig#sqlitePath()} is used; not null
     * @param clock  the clock of every time the stores record; not null
     * @return the open backend
     * @throws StoreException when the file cannot be created or opened
     */
    public static SqliteBackend open(StorageConfig config, Clock clock) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        return new SqliteBackend(SqliteDatabase.open(config.sqlitePath()), config, clock);
    }

    /** @return the absolute path of the database file */
    public Path path() {
        return db.path();
    }

    /** @return the database, for tests in this package */
    SqliteDatabase database() {
        return db;
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

    /**
     * @return false once the database file was deleted, replaced or made read-only while open (looked at at most
     *         once a second); see {@link SqliteDatabase}
     */
    @Override
    public boolean available() {
        return db.available();
    }

    /** Looks at the database file (still the one opened, writable) and runs a query. */
    @Override
    public void check() {
        db.check();
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "SqliteBackend[" + db.path() + "]";
    }
}
