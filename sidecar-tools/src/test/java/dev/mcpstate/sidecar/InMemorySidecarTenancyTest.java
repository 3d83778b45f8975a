package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;

import java.time.Clock;

/** The tenancy contract on the in-memory backend; a reopen within one test returns the same storage. */
class InMemorySidecarTenancyTest extends SidecarTenancyContract {

    private Storage shared;

    @Override
    protected Storage openStorage(Clock clock) {
        if (shared == null) {
            shared = Storage.open(StorageConfig.inMemory(), clock);
        }
        return shared;
    }
}
