package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/** Races on one SQLite file through four store instances (four connections, as four processes would use). */
class SqliteSidecarRaceTest extends SidecarRaceContract {

    @TempDir
    Path dir;

    @Override
    protected Storage openStorage(Clock clock) {
        return Storage.open(StorageConfig.sqlite(dir.resolve("race.db")), clock);
    }
}
