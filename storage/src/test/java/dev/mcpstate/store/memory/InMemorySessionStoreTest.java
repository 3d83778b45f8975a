package dev.mcpstate.store.memory;

import dev.mcpstate.store.SessionStoreContract;
import dev.mcpstate.store.StorageConfig;

class InMemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.inMemory();
    }
}
