package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/** The tenancy contract on a SQLite file in a temporary folder. */
class SqliteSidecarTenancyTest extends SidecarTenancyContract {

    @TempDir
    Path dir;

    @Override
    protected Storage openStorage(Clock clock) {
        return Storage.open(StorageConfig.sqlite(dir.resolve("state.db")), clock);
    }
}
