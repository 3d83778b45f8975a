package dev.mcpstate.store.memory;

import dev.mcpstate.store.EventStoreContract;
import dev.mcpstate.store.Stores;

class InMemoryEventStoreTest extends EventStoreContract {

    @Override
    protected Stores open(int maxEventsPerStream) {
        return Stores.memory(clock, maxEventsPerStream);
    }
}
