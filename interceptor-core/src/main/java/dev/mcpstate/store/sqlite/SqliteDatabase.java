package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite database file shared by the session store, the event store and the sidecar tools.
 *
 * <p>Opens one JDBC connection in WAL mode ({@code synchronous=NORMAL}, {@code busy_timeout=5000} ms,
 * {@code foreign_keys=ON}, write transactions {@code BEGIN IMMEDIATE}) and creates the mcp-state schema
 * idempotently, recording its version in the table {@code schema_version(component, version)} (other components,
 * such as the sidecar tools, record their own row there).
 *
 * <p>Thread-safe: every call runs under one {@link ReentrantLock}, so work on the connection is serialised within
 * this process; SQLite's own file locking (with the busy timeout) serialises writers of other processes.
 * Every {@link SQLException} is rethrown as a {@link StoreException} naming the operation.
 */
public final class SqliteDatabase implements AutoCloseable {

    /** The version of the schema this class creates, recorded under component {@value #COMPONENT}. */
    public static final int SCHEMA_VERSION = 1;
    static final String COMPONENT = "store";

    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            component TEXT PRIMARY KEY,
            version   INTEGER NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS sessions (
            session_id          TEXT PRIMARY KEY,
            status              TEXT NOT NULL,
            protocol_version    TEXT,
            client_info         TEXT,
            client_capabilities TEXT,
            initialize_params   TEXT NOT NULL,
            principal           TEXT,
            node_id             TEXT NOT NULL,
            created_at          INTEGER NOT NULL,
            last_seen_at        INTEGER NOT NULL,
            logging_level       TEXT)""",
        // One row per stream that was opened or appended to. kind/owner_node/opened_at stay NULL until the
        // stream is opened; last_seq and event_count are bookkeeping for retention and isKnownPosition.
        """
        CREATE TABLE IF NOT EXISTS streams (
            session_id  TEXT NOT NULL,
            stream_id   TEXT NOT NULL,
            kind        TEXT,
            closed      INTEGER NOT NULL DEFAULT 0,
            owner_node  TEXT,
            opened_at   INTEGER,
            last_seq    INTEGER NOT NULL DEFAULT 0,
            event_count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (session_id, stream_id)) WITHOUT ROWID""",
        """
        CREATE TABLE IF NOT EXISTS events (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL,
            stream_id  TEXT NOT NULL,
            direction  TEXT NOT NULL,
            message    TEXT NOT NULL,
            created_at INTEGER NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS events_by_stream ON events (session_id, stream_id, seq)",
        "CREATE INDEX IF NOT EXISTS events_by_age ON events (created_at)",
        "CREATE INDEX IF NOT EXISTS sessions_by_last_seen ON sessions (last_seen_at)",
    };

    /** Work on the connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Path path;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SqliteDatabase(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    /**
     * Opens (creating when missing) the database file and its parent folders, and creates the schema.
     *
     * @param path the database file; not null
     * @return the open database
     * @throws StoreException when the folder or the file cannot be created or opened
     */
    public static SqliteDatabase open(Path path) {
        Objects.requireNonNull(path, "path must not be null");
        Path absolute = path.toAbsolutePath();
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("could not create the folder of SQLite file " + absolute, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5000);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Connection connection;
        try {
            connection = config.createConnection("jdbc:sqlite:" + absolute);
        } catch (SQLException e) {
            throw new StoreException("could not open SQLite file " + absolute, e);
        }
        SqliteDatabase db = new SqliteDatabase(absolute, connection);
        try {
            db.createSchema();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        log.info("SQLite store opened path={} schemaVersion={}", absolute, SCHEMA_VERSION);
        return db;
    }

    private void createSchema() {
        inTransaction("create schema", c -> {
            try (Statement s = c.createStatement()) {
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schema_version (component, version) VALUES (?, ?) "
                            + "ON CONFLICT (component) DO UPDATE SET version = MAX(version, excluded.version)")) {
                ps.setString(1, COMPONENT);
                ps.setInt(2, SCHEMA_VERSION);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** @return the absolute path of the database file; never null */
    public Path path() {
        return path;
    }

    /**
     * Runs work on the connection in auto-commit mode, holding the lock.
     *
     * @param what names the operation in the {@link StoreException} message
     * @throws StoreException when the work throws {@link SQLException} or the database is closed
     */
    public <T> T withConnection(String what, SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen(what);
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("SQLite " + what + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs work in one transaction ({@code BEGIN IMMEDIATE}), holding the lock; commits when it returns and rolls
     * back when it throws.
     *
     * @param what names the operation in the {@link StoreException} message
     * @throws StoreException when the work throws {@link SQLException} or the database is closed
     */
    public <T> T inTransaction(String what, SqlWork<T> work) {
        return withConnection(what, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /**
     * Runs one statement in auto-commit mode, holding the lock.
     *
     * @param what names the operation in the {@link StoreException} message
     * @param sql  the statement, with {@code ?} placeholders
     * @param args the placeholder values ({@code String}, {@code Long}, {@code Integer} or null), in order
     * @return the number of rows changed
     */
    public int update(String what, String sql, Object... args) {
        return withConnection(what, c -> {
            try (PreparedStatement ps = prepare(c, sql, args)) {
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Prepares a statement and binds its placeholders with {@link PreparedStatement#setObject(int, Object)}.
     *
     * @return the statement; the caller closes it
     */
    public static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    /** @return the first column of every row of a query, as strings */
    public static List<String> strings(Connection c, String sql, Object... args) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** @return the first column of the first row of a query, or null when there is no row or it holds NULL */
    public static Long firstLong(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            long value = rs.getLong(1);
            return rs.wasNull() ? null : value;
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new StoreException("SQLite " + what + " failed: database " + path + " is closed");
        }
    }

    /** Closes the connection. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
            log.info("SQLite store closed path={}", path);
        } catch (SQLException e) {
            log.warn("SQLite close failed path={} error={}", path, e.toString());
        } finally {
            lock.unlock();
        }
    }
}
