package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One SQLite database file shared by the stores of a {@link SqliteBackend}, in WAL mode ({@code synchronous=NORMAL},
 * {@code busy_timeout=5000} ms, {@code foreign_keys=ON}), with the schema of {@link SqliteSchema} created
 * idempotently.
 *
 * <p><b>Writes: group commit.</b> One writer thread owns the only write connection. Callers hand it work
 * ({@link #write}, {@link #writeAsync}); it takes every piece of work that is waiting — at most
 * {@value #MAX_BATCH} — and runs them in one {@code BEGIN IMMEDIATE} transaction, each inside a savepoint, so one
 * failing piece rolls back alone. After the commit each caller's result is delivered: a write is reported done only
 * once it is committed. There is no added wait: a batch is whatever arrived while the previous one committed, so
 * one lone write costs one transaction and concurrent sessions share one.
 *
 * <p><b>Reads</b> ({@link #read}) run on a pool of {@value #READERS} read-only connections without any lock of this
 * class; WAL lets them run beside the writer and see every committed write.
 *
 * <p><b>The file.</b> SQLite writes through the file handles it opened, so a database file deleted, replaced (another
 * file moved to its path) or made read-only while open would go on taking writes that no one will ever read. The
 * writer looks at the file before every batch and again after its commit: the file at {@link #path()} must still
 * be the one opened (same {@link BasicFileAttributes#fileKey()}) and writable (with a write permission bit set,
 * so that {@code chmod a-w} stops root too). Otherwise the batch fails with {@link StoreException} — after the
 * commit too: a write that went into a file no longer at the path is reported failed, never stored. A deleted or
 * replaced file fails every later read and write until the node is restarted (which opens whatever is at the path
 * then); a read-only one only until it is writable again. On file systems without file keys replacement is not
 * detected.
 *
 * <p>Thread-safe. Every {@link SQLException} is rethrown as a {@link StoreException} naming the operation; after
 * {@link #close()} every call fails with {@link StoreException}.
 */
final class SqliteDatabase implements AutoCloseable {

    /** The most pieces of work the writer commits in one transaction. */
    static final int MAX_BATCH = 256;
    /** Read connections. */
    static final int READERS = 4;
    /** How often {@link #available()} looks at the file at most, in nanoseconds: 1 second. */
    private static final long LOOK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Set<PosixFilePermission> WRITE_BITS = EnumSet.of(PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    interface Work<T> {
        T run(SqliteTx tx) throws SQLException;
    }

    /** A piece of work waiting for the writer, and who waits for its result. */
    private record Task<T>(String what, Work<T> work, CompletableFuture<T> result) {
    }

    private static final Task<Void> STOP = new Task<>("stop", tx -> null, new CompletableFuture<>());

    private final Path path;
    /** The write connection, used by the writer thread only. */
    private final SqliteTx writer;
    private final BlockingQueue<SqliteTx> readers;
    private final List<SqliteTx> readerConnections;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writerThread;
    /** The identity of the file opened ({@link BasicFileAttributes#fileKey()}); null where the file system has none. */
    private final Object fileKey;
    private final boolean posix;
    private volatile boolean closed;
    /** Set once the file at the path is not the one opened (deleted or replaced): every call fails from then on. */
    private volatile StoreException lost;
    /** What the last look at the file found wrong, or null. */
    private volatile StoreException fileFault;
    private volatile long lastLook;

    private SqliteDatabase(Path path, SqliteTx writer, List<SqliteTx> readerConnections, Object fileKey) {
        this.path = path;
        this.fileKey = fileKey;
        this.posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.lastLook = System.nanoTime();
        this.writer = writer;
        this.readerConnections = readerConnections;
        this.readers = new ArrayBlockingQueue<>(readerConnections.size(), false, readerConnections);
        this.writerThread = new Thread(this::writeLoop, "mcp-state-sqlite-writer-" + path.getFileName());
        writerThread.setDaemon(true);
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
        List<SqliteTx> opened = new ArrayList<>();
        try {
            SqliteTx writer = connect(absolute, false);
            opened.add(writer);
            createSchema(writer.connection());
            List<SqliteTx> readerConnections = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                SqliteTx reader = connect(absolute, true);
                opened.add(reader);
                readerConnections.add(reader);
            }
            SqliteDatabase db = new SqliteDatabase(absolute, writer, readerConnections, fileKey(absolute));
            db.writerThread.start();
            log.info("SQLite store opened path={} schemaVersion={} readers={}", absolute, SqliteSchema.STORE_VERSION,
                    READERS);
            return db;
        } catch (SQLException e) {
            opened.forEach(SqliteDatabase::closeQuietly);
            throw new StoreException("could not open SQLite file " + absolute + ": " + e.getMessage(), e);
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new StoreException("could not read the attributes of SQLite file " + file + ": " + e.getMessage(), e);
        }
    }

    private static SqliteTx connect(Path file, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        if (!readOnly) {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL); // a property of the file: readers find it set
        }
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5000);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setReadOnly(readOnly);
        return new SqliteTx(config.createConnection("jdbc:sqlite:" + file));
    }

    private static void createSchema(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String ddl : SqliteSchema.STORE) {
                s.execute(ddl);
            }
            SqliteTx tx = new SqliteTx(c);
            if (!tx.hasColumn("streams", "closed_at")) {
                s.execute(SqliteSchema.STORE_V2_COLUMN);
            }
            s.execute(SqliteSchema.STORE_V2);
            tx.update(SqliteSchema.RECORD_VERSION,
                    SqliteSchema.STORE_COMPONENT, SqliteSchema.STORE_VERSION);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** @return the absolute path of the database file; never null */
    Path path() {
        return path;
    }

    /**
     * Runs read-only work on a read connection (auto-commit: it sees everything committed before it starts).
     *
     * @param what names the operation in the {@link StoreException} message
     * @throws StoreException when the work throws {@link SQLException} or the database is closed
     */
    <T> T read(String what, Work<T> work) {
        ensureOpen(what);
        ensureNotLost(what);
        SqliteTx c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("SQLite " + what + " was interrupted", e);
        }
        try {
            ensureOpen(what);
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("SQLite " + what + " failed: " + e.getMessage(), e);
        } finally {
            readers.add(c);
        }
    }

    /**
     * Runs work in the writer's next transaction and waits until it is committed. The wait ignores interrupts (and
     * restores the flag): work handed to the writer is never reported failed while it may still commit.
     *
     * @param what names the operation in the {@link StoreException} message
     * @return the work's result, once committed
     * @throws StoreException when the work or the commit fails, or the database is closed
     */
    <T> T write(String what, Work<T> work) {
        try {
            return writeAsync(what, work).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException store) {
                throw store;
            }
            throw new StoreException("SQLite " + what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Creates a component's tables when missing and records its schema version (never lowering it), in one write.
     *
     * @param component the {@code schema_version} row, e.g. {@code ratelimit}
     * @throws StoreException when they cannot be created
     */
    void createComponent(String component, int version, List<String> ddl) {
        write("create " + component + " schema", tx -> {
            for (String statement : ddl) {
                tx.execute(statement);
            }
            tx.update(SqliteSchema.RECORD_VERSION,
                    component, version);
            return null;
        });
    }

    /**
     * Hands work to the writer without waiting. Work handed over one after another from one thread runs, and
     * commits, in that order.
     *
     * @param what names the operation in the {@link StoreException} message
     * @return the work's result, completing once it is committed; or failed with {@link StoreException}
     */
    <T> CompletableFuture<T> writeAsync(String what, Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(closedException(what));
            return result;
        }
        StoreException gone = lost;
        if (gone != null) {
            result.completeExceptionally(failed(what, gone));
            return result;
        }
        queue.add(new Task<>(what, work, result));
        if (closed) {
            failWaiting(); // raced with close(): nobody will run it
        }
        return result;
    }

    private void writeLoop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                Task<?> first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = batch.remove(STOP);
                commit(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                // the writer stops only through STOP; finish what is queued
            } catch (RuntimeException | Error e) {
                log.error("SQLite writer failed path={}", path, e);
                batch.forEach(t -> t.result().completeExceptionally(new StoreException(
                        "SQLite " + t.what() + " failed: " + e, e)));
                batch.clear();
            }
        }
    }

    /**
     * Runs a batch in one transaction, each piece in a savepoint; then delivers every result. The file is looked at
     * before (nothing is written to a file that is not the one at the path, or not writable) and after the commit
     * (a commit into a file that left the path meanwhile is not stored).
     */
    private void commit(List<Task<?>> batch) {
        StoreException before = look();
        if (before != null) {
            batch.forEach(t -> t.result().completeExceptionally(failed(t.what(), before)));
            return;
        }
        Object[] results = new Object[batch.size()];
        StoreException[] failures = new StoreException[batch.size()];
        Connection connection = writer.connection();
        try {
            connection.setAutoCommit(false);
            try {
                for (int i = 0; i < batch.size(); i++) {
                    Task<?> task = batch.get(i);
                    writer.execute("SAVEPOINT work");
                    try {
                        results[i] = task.work().run(writer);
                        writer.execute("RELEASE work");
                    } catch (SQLException | RuntimeException e) {
                        writer.execute("ROLLBACK TO work");
                        writer.execute("RELEASE work");
                        failures[i] = e instanceof StoreException store ? store
                                : new StoreException("SQLite " + task.what() + " failed: " + e.getMessage(), e);
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                StoreException failed = new StoreException("SQLite commit failed: " + e.getMessage(), e);
                batch.forEach(t -> t.result().completeExceptionally(failed));
                return;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            StoreException failed = new StoreException("SQLite transaction failed: " + e.getMessage(), e);
            batch.forEach(t -> t.result().completeExceptionally(failed));
            return;
        }
        look();
        StoreException after = lost;
        if (after != null) {
            batch.forEach(t -> t.result().completeExceptionally(failed(t.what(), after)));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            deliver(batch.get(i), results[i], failures[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void deliver(Task<T> task, Object result, StoreException failure) {
        if (failure != null) {
            task.result().completeExceptionally(failure);
        } else {
            task.result().complete((T) result);
        }
    }

    private void rollbackQuietly() {
        try {
            writer.connection().rollback();
        } catch (SQLException e) {
            log.warn("SQLite rollback failed path={} error={}", path, e.toString());
        }
    }

    /**
     * @return false once the file is known to be deleted, replaced or read-only (looked at here at most once a
     *         second, else as the writer last found it); no SQL
     */
    boolean available() {
        if (closed) {
            return false;
        }
        if (System.nanoTime() - lastLook >= LOOK_EVERY_NANOS) {
            look();
        }
        return fileFault == null;
    }

    /**
     * Looks at the file now and runs a query on a read connection.
     *
     * @throws StoreException when the file is not the one opened or not writable, or the query fails
     */
    void check() {
        ensureOpen("health check");
        StoreException fault = look();
        if (fault != null) {
            throw failed("health check", fault);
        }
        read("health check", tx -> tx.firstLong("SELECT 1"));
    }

    /** Looks at the file at the path: @return what is wrong with it, or null */
    private StoreException look() {
        StoreException found = lost != null ? lost : inspect();
        fileFault = found;
        lastLook = System.nanoTime();
        return found;
    }

    private StoreException inspect() {
        try {
            Object key;
            boolean writable;
            if (posix) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class);
                key = attributes.fileKey();
                writable = attributes.permissions().stream().anyMatch(WRITE_BITS::contains);
            } else {
                key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                writable = true;
            }
            if (fileKey != null && !fileKey.equals(key)) {
                return lose(new StoreException("SQLite file " + path + " was replaced while open: another file is "
                        + "at its path now; restart the node to open that one"));
            }
            if (!writable || !Files.isWritable(path)) {
                return new StoreException("SQLite file " + path + " is not writable");
            }
            return null;
        } catch (NoSuchFileException e) {
            return lose(new StoreException("SQLite file " + path + " was deleted while open; restart the node to "
                    + "open a new one"));
        } catch (IOException e) {
            return new StoreException("could not look at SQLite file " + path + ": " + e.getMessage(), e);
        }
    }

    private synchronized StoreException lose(StoreException why) {
        if (lost == null) {
            lost = why;
            log.error("SQLite store lost its file, every read and write fails until a restart: path={} cause={}",
                    path, why.getMessage());
        }
        return lost;
    }

    private void ensureNotLost(String what) {
        StoreException gone = lost;
        if (gone != null) {
            throw failed(what, gone);
        }
    }

    private static StoreException failed(String what, StoreException why) {
        return new StoreException("SQLite " + what + " failed: " + why.getMessage(), why);
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw closedException(what);
        }
    }

    private StoreException closedException(String what) {
        return new StoreException("SQLite " + what + " failed: database " + path + " is closed");
    }

    private void failWaiting() {
        List<Task<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.stream().filter(t -> t != STOP).forEach(t -> t.result().completeExceptionally(closedException(t.what())));
    }

    /** Lets the writer commit what is queued, then closes every connection. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        queue.add(STOP);
        try {
            writerThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failWaiting();
        closeQuietly(writer);
        for (SqliteTx reader : readerConnections) {
            closeQuietly(reader);
        }
        log.info("SQLite store closed path={}", path);
    }

    private static void closeQuietly(SqliteTx c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.warn("SQLite close failed error={}", e.toString());
        }
    }
}
