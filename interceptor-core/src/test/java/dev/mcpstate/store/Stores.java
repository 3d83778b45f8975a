package dev.mcpstate.store;

import dev.mcpstate.store.memory.InMemoryEventStore;
import dev.mcpstate.store.memory.InMemorySessionStore;
import dev.mcpstate.testing.RedisTestServer;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The session and event store of one backend, opened for a contract test, with what closes them.
 *
 * @param sessions the session store
 * @param events   the event store sharing its backend
 * @param resource closes what {@link #close()} releases
 */
public record Stores(SessionStore sessions, EventStore events, Runnable resource) implements AutoCloseable {

    /** @return the stores of an open {@link Storage} */
    public static Stores of(Storage storage) {
        return new Stores(storage.sessions(), storage.events(), storage::close);
    }

    /** @return SQLite stores on a file */
    public static Stores sqlite(Path file, Clock clock, int maxEventsPerStream) {
        return of(Storage.open(StorageConfig.sqlite(file).toBuilder().maxEventsPerStream(maxEventsPerStream)
                .build(), clock));
    }

    /** @return Redis stores on the test Redis */
    public static Stores redis(Clock clock, int maxEventsPerStream) {
        return of(Storage.open(StorageConfig.redis(RedisTestServer.url()).toBuilder()
                .maxEventsPerStream(maxEventsPerStream).build(), clock));
    }

    /** @return in-memory stores */
    public static Stores memory(Clock clock, int maxEventsPerStream) {
        InMemoryEventStore events = new InMemoryEventStore(clock, maxEventsPerStream);
        return new Stores(new InMemorySessionStore(events), events, events::close);
    }

    @Override
    public void close() {
        resource.run();
    }
}
