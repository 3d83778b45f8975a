package dev.mcpstate.store.memory;

import dev.mcpstate.store.SessionStoreContract;
import dev.mcpstate.store.Stores;

class InMemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected Stores open(int maxEventsPerStream) {
        return Stores.memory(clock, maxEventsPerStream);
    }
}
