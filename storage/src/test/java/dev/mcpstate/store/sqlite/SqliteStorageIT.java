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
import java.util.List;

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
            List<String> journalMode = db.withConnection("read pragma",
                    c -> SqliteDatabase.strings(c, "PRAGMA journal_mode"));
            Long version = db.withConnection("read version", c -> SqliteDatabase.firstLong(c,
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
}
