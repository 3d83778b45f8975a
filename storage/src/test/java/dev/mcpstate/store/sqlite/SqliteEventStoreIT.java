package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.EventStoreContract;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteEventStoreIT extends EventStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StorageConfig config() {
        return StorageConfig.sqlite(dir.resolve("state.db"));
    }
}
