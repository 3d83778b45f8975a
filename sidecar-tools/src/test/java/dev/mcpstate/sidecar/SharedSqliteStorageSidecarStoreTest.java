package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on the session interceptor's open SQLite storage (one shared connection). */
class SharedSqliteStorageSidecarStoreTest extends SidecarStoreContract {

    @TempDir
    Path dir;

    private final List<Storage> storages = new ArrayList<>();

    @Override
    protected SidecarStore openStore(Clock clock) {
        Storage storage = Storage.open(StorageConfig.sqlite(dir.resolve("shared.db")), clock);
        storages.add(storage);
        return SidecarStores.on(storage);
    }

    @AfterEach
    void closeStorages() {
        storages.forEach(Storage::close);
    }

    @Test
    void closingTheSidecarStoreLeavesTheInterceptorsStorageOpen() {
        tools.call("state_set", "key", "k", "value", 1);
        store.close();
        assertThat(storages.get(0).sessions().find("no-such-session")).isEmpty();
    }
}
