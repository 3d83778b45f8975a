package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The SQLite file taken away under an open store: deleted, replaced by another file, made read-only. Writes then
 * fail with {@link StoreException} instead of going into a file no one will read, the backend says it is not
 * available and its health check fails; a read-only file that is writable again is used again.
 */
class SqliteFileFaultIT {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private Path file;
    private Storage storage;

    @BeforeEach
    void open() {
        file = dir.resolve("state.db");
        storage = Storage.open(StorageConfig.sqlite(file), clock);
        storage.sessions().save(session("s1"));
        storage.events().openStream("s1", "listen", StreamKind.LISTENING, "node-a");
        storage.check();
        assertThat(storage.available()).isTrue();
    }

    @AfterEach
    void close() throws Exception {
        storage.close();
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void aDeletedFileFailsEveryWriteAndReadInsteadOfWritingIntoTheUnlinkedFile() throws Exception {
        Files.delete(file);

        assertThatThrownBy(() -> storage.sessions().save(session("s2"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("deleted");
        assertThatThrownBy(() -> storage.events().appendAsync("s1", "listen", Direction.SERVER_TO_CLIENT, "{}")
                .join()).isInstanceOf(CompletionException.class).hasCauseInstanceOf(StoreException.class);
        assertThatThrownBy(() -> storage.sessions().find("s1")).as("no stale answers from the unlinked file")
                .isInstanceOf(StoreException.class);
        assertThat(storage.available()).isFalse();
        assertThatThrownBy(storage::check).isInstanceOf(StoreException.class).hasMessageContaining("deleted");
        assertThat(file).doesNotExist();
    }

    @Test
    void aReplacedFileFailsEveryWriteAndTheNewFileIsLeftAlone() throws Exception {
        Path other = dir.resolve("other.db");
        try (Storage elsewhere = Storage.open(StorageConfig.sqlite(other), clock)) {
            elsewhere.sessions().save(session("theirs"));
        }
        // a restored backup, say: the other database and its write-ahead log take over the paths
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path otherWal = dir.resolve("other.db-wal");
        if (Files.exists(otherWal)) {
            Files.move(otherWal, dir.resolve("state.db-wal"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }

        assertThatThrownBy(() -> storage.sessions().save(session("s2"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("replaced");
        assertThat(storage.available()).isFalse();
        assertThatThrownBy(storage::check).isInstanceOf(StoreException.class).hasMessageContaining("replaced");
        storage.close();
        Files.deleteIfExists(dir.resolve("state.db-shm")); // the index of the old log; rebuilt from the new one
        try (Storage reopened = Storage.open(StorageConfig.sqlite(file), clock)) {
            assertThat(reopened.sessions().find("theirs")).isPresent();
            assertThat(reopened.sessions().find("s2")).as("never written into either file").isEmpty();
        }
    }

    @Test
    void aReadOnlyFileFailsWritesUntilItIsWritableAgain() throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

        assertThatThrownBy(() -> storage.sessions().save(session("s2"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("not writable");
        assertThat(storage.available()).isFalse();
        assertThatThrownBy(storage::check).isInstanceOf(StoreException.class);
        assertThat(storage.sessions().find("s1")).as("reads still work").isPresent();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        await().atMost(Duration.ofSeconds(5)).until(storage::available);
        storage.sessions().save(session("s2"));
        storage.check();
        storage.close();
        try (Storage reopened = Storage.open(StorageConfig.sqlite(file), clock)) {
            assertThat(reopened.sessions().find("s2")).isPresent();
        }
    }

    private static SessionRecord session(String id) {
        return new SessionRecord(id, SessionStatus.ACTIVE, "2025-11-25", null, null, "{}", null, "node-a", T0, T0);
    }
}
