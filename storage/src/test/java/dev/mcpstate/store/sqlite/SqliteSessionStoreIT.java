package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.SessionStoreContract;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteSessionStoreIT extends SessionStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StorageConfig config() {
        return StorageConfig.sqlite(dir.resolve("state.db"));
    }
}
