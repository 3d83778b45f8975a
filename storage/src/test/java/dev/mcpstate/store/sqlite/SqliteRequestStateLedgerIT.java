package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.RequestStateLedgerContract;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteRequestStateLedgerIT extends RequestStateLedgerContract {

    @TempDir
    Path dir;

    @Override
    protected StorageConfig config() {
        return StorageConfig.sqlite(dir.resolve("state.db"));
    }

    @Test
    void expiredRowsAreDeletedByLaterClaimsAndTheVersionIsRecorded() {
        ledger.claim("a", clock.instant().plusSeconds(1));
        clock.advance(Duration.ofSeconds(2));

        ledger.claim("b", clock.instant().plusSeconds(1));

        SqliteDatabase db = ((SqliteBackend) open(100).backend()).database();
        List<String> ids = db.read("ids", tx -> tx.strings("SELECT id FROM request_states"));
        Long version = db.read("version", tx -> tx.firstLong(
                "SELECT version FROM schema_version WHERE component = ?", SqliteSchema.REQUEST_STATE_COMPONENT));
        assertThat(ids).containsExactly("b");
        assertThat(version).isEqualTo(SqliteSchema.REQUEST_STATE_VERSION);
    }
}
