package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStorageIT {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    @Test
    void sessionsStreamsAndEventsSurviveAReopen() {
        Path file = dir.resolve("nested/folders/state.db");
        SessionRecord saved = new SessionRecord("s1", SessionStatus.ACTIVE, "2025-11-25", null, null, "{}", null,
                "node-a", T0, T0);
        StoredEvent first;
        try (Storage storage = Storage.open(StorageConfig.sqlite(file), clock)) {
            storage.sessions().save(saved);
            storage.events().openStream("s1", "listen", StreamKind.LISTENING, "node-a");
            first = storage.events().append("s1", "listen", Direction.SERVER_TO_CLIENT, "{\"n\":1}");
        }

        try (Storage reopened = Storage.open(StorageConfig.sqlite(file), clock)) {
            assertThat(reopened.sessions().find("s1")).contains(saved);
            assertThat(reopened.events().stream("s1", "listen"))
                    .contains(new StreamInfo("s1", "listen", StreamKind.LISTENING, false, "node-a", T0));
            assertThat(reopened.events().readAfter("s1", "listen", EventId.START, 10)).containsExactly(first);
            StoredEvent next = reopened.events().append("s1", "listen", Direction.SERVER_TO_CLIENT, "{\"n\":2}");
            assertThat(Long.parseLong(next.id().entryId())).isGreaterThan(Long.parseLong(first.id().entryId()));
        }
    }

    @Test
    void opensInWalModeAndRecordsTheSchemaVersion() {
        try (Storage storage = Storage.open(StorageConfig.sqlite(dir.resolve("state.db")), clock)) {
            SqliteBackend backend = (SqliteBackend) storage.backend();
            SqliteDatabase db = backend.database();

            assertThat(backend.path()).isEqualTo(dir.resolve("state.db").toAbsolutePath());
            List<String> journalMode = db.read("read pragma", tx -> tx.strings("PRAGMA journal_mode"));
            Long version = db.read("read version", tx -> tx.firstLong(
                    "SELECT version FROM schema_version WHERE component = ?", SqliteSchema.STORE_COMPONENT));

            assertThat(journalMode).containsExactly("wal");
            assertThat(version).isEqualTo(SqliteSchema.STORE_VERSION);
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailWithStoreException() {
        Storage storage = Storage.open(StorageConfig.sqlite(dir.resolve("state.db")), clock);

        storage.close();
        storage.close();

        assertThatThrownBy(() -> storage.sessions().list())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aFailingWriteThatIsAloneInItsBatchLeavesNothingAndTheNextWriteCommits() {
        try (Storage storage = Storage.open(StorageConfig.sqlite(dir.resolve("state.db")), clock)) {
            SqliteDatabase db = ((SqliteBackend) storage.backend()).database();

            assertThatThrownBy(() -> db.write("half a write", tx -> {
                tx.update("INSERT INTO schema_version (component, version) VALUES ('half', 1)");
                throw new java.sql.SQLException("boom");
            })).isInstanceOf(StoreException.class);
            int next = db.write("next", tx -> tx.update(
                    "INSERT INTO schema_version (component, version) VALUES ('next', 1)"));

            assertThat(next).isEqualTo(1);
            List<String> stored = db.read("read back", tx -> tx.strings(
                    "SELECT component FROM schema_version WHERE component IN ('half', 'next')"));
            assertThat(stored).containsExactly("next");
        }
    }

    @Test
    void aFailingWriteRollsBackAloneAndTheOthersOfItsBatchCommit() {
        try (Storage storage = Storage.open(StorageConfig.sqlite(dir.resolve("state.db")), clock)) {
            SqliteDatabase db = ((SqliteBackend) storage.backend()).database();
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                writes.add(db.writeAsync("write " + n, tx -> {
                    int rows = tx.update("INSERT INTO schema_version (component, version) VALUES (?, ?)",
                            "c" + n, n);
                    if (n == 25) {
                        throw new java.sql.SQLException("boom");
                    }
                    return rows;
                }));
            }

            assertThatThrownBy(() -> writes.get(25).join()).hasCauseInstanceOf(StoreException.class);
            for (int i = 0; i < 50; i++) {
                if (i != 25) {
                    assertThat(writes.get(i).join()).isEqualTo(1);
                }
            }
            List<String> stored = db.read("read back", tx -> tx.strings(
                    "SELECT component FROM schema_version WHERE component LIKE 'c%'"));
            assertThat(stored).hasSize(49).doesNotContain("c25");
        }
    }

    @Test
    void concurrentAppendsOfManySessionsAreAllStoredWithIncreasingIds() throws Exception {
        try (Storage storage = Storage.open(StorageConfig.sqlite(dir.resolve("state.db")), clock)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<StoredEvent>>> sessions = new ArrayList<>();
                for (int s = 0; s < 8; s++) {
                    String session = "s" + s;
                    sessions.add(pool.submit(() -> {
                        List<StoredEvent> appended = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            appended.add(storage.events().append(session, "r", Direction.SERVER_TO_CLIENT,
                                    "{\"i\":" + i + "}"));
                        }
                        return appended;
                    }));
                }
                for (int s = 0; s < 8; s++) {
                    List<StoredEvent> appended = sessions.get(s).get(30, TimeUnit.SECONDS);
                    assertThat(appended).extracting(e -> Long.parseLong(e.id().entryId())).isSorted();
                    assertThat(storage.events().readAfter("s" + s, "r", EventId.START, 1000))
                            .containsExactlyElementsOf(appended);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
