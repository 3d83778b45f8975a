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
 * One SQLite database file shared by the session store, the event store and the sidecar store of a
 * {@link SqliteBackend}.
 *
 * <p>Opens one JDBC connection in WAL mode ({@code synchronous=NORMAL}, {@code busy_timeout=5000} ms,
 * {@code foreign_keys=ON}, write transactions {@code BEGIN IMMEDIATE}) and creates the mcp-state schema
 * idempotently ({@link SqliteSchema}), recording its version in the table {@code schema_version(component,
 * version)}.
 *
 * <p>Thread-safe: every call runs under one {@link ReentrantLock}, so work on the connection is serialised within
 * this process; SQLite's own file locking (with the busy timeout) serialises writers of other processes.
 * Every {@link SQLException} is rethrown as a {@link StoreException} naming the operation.
 */
final class SqliteDatabase implements AutoCloseable {


    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

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
    static SqliteDatabase open(Path path) {
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
        log.info("SQLite store opened path={} schemaVersion={}", absolute, SqliteSchema.STORE_VERSION);
        return db;
    }

    private void createSchema() {
        inTransaction("create schema", c -> {
            try (Statement s = c.createStatement()) {
                for (String ddl : SqliteSchema.STORE) {
                    s.execute(ddl);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schema_version (component, version) VALUES (?, ?) "
                            + "ON CONFLICT (component) DO UPDATE SET version = MAX(version, excluded.version)")) {
                ps.setString(1, SqliteSchema.STORE_COMPONENT);
                ps.setInt(2, SqliteSchema.STORE_VERSION);
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
