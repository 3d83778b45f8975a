package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.SessionStoreContract;
import dev.mcpstate.store.Stores;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteSessionStoreIT extends SessionStoreContract {

    @TempDir
    Path dir;

    @Override
    protected Stores open(int maxEventsPerStream) {
        return Stores.sqlite(dir.resolve("state.db"), clock, maxEventsPerStream);
    }
}
