package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;

import java.time.Clock;

/** The races on the in-memory backend: every "instance" is the one storage of the test. */
class InMemorySidecarRaceTest extends SidecarRaceContract {

    private Storage shared;

    @Override
    protected Storage openStorage(Clock clock) {
        if (shared == null) {
            shared = Storage.open(StorageConfig.inMemory(), clock);
        }
        return shared;
    }
}
