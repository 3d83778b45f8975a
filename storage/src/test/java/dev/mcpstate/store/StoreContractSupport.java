package dev.mcpstate.store;

import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the store contract suites share: a fake clock, the stores under test, sample records. */
public abstract class StoreContractSupport {

    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    protected final MutableClock clock = new MutableClock(T0);
    protected SessionStore sessions;
    protected EventStore events;
    private final List<Storage> opened = new ArrayList<>();

    /**
     * @return the configuration of the backend under test; each call names the same backend (same file, same
     *         Redis), so stores opened from it share their state (the in-memory backend starts empty each time)
     */
    protected abstract StorageConfig config();

    /** Opens another instance of the backend under test with this retention, reading {@link #clock}. */
    protected Storage open(int maxEventsPerStream) {
        Storage storage = Storage.open(config().toBuilder().maxEventsPerStream(maxEventsPerStream).build(), clock);
        opened.add(storage);
        return storage;
    }

    @BeforeEach
    void openStores() {
        use(StorageConfig.DEFAULT_MAX_EVENTS_PER_STREAM);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Storage::close);
    }

    /** Switches {@link #sessions} and {@link #events} to freshly opened stores with this retention. */
    protected void use(int maxEventsPerStream) {
        Storage storage = open(maxEventsPerStream);
        sessions = storage.sessions();
        events = storage.events();
    }

    protected static String newSessionId() {
        return UUID.randomUUID().toString();
    }

    /** @return an INITIALIZED session with every field set, created and last seen at the clock's time */
    protected SessionRecord session(String id) {
        Instant now = clock.instant();
        return new SessionRecord(id, SessionStatus.INITIALIZED, "2025-11-25",
                "{\"name\":\"client\",\"version\":\"1.0\"}", "{\"roots\":{\"listChanged\":true}}",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"client\"}}",
                "alice", "node-a", now, now);
    }

    /** @return the number an entry id counts with: {@code 17} for both {@code 17} and {@code 17-0} */
    protected static long counter(String entryId) {
        int dash = entryId.indexOf('-');
        return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
    }

    /** Runs tasks on one thread each, all at once, and returns their results in order. */
    protected static <T> List<T> runConcurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
