package dev.mcpstate.store.memory;

import dev.mcpstate.store.EventStoreContract;
import dev.mcpstate.store.StorageConfig;

class InMemoryEventStoreTest extends EventStoreContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.inMemory();
    }

    @Override
    protected boolean checksPrecedingEvents() {
        return true;
    }
}
