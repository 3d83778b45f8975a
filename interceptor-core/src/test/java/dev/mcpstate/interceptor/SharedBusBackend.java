package dev.mcpstate.interceptor;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.StorageBackend;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.memory.InMemoryBackend;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The in-memory backend with a cluster bus that reaches every node instance opened on it, in process, the way
 * Redis pub/sub reaches every node (the in-memory backend's own bus reaches only its own node instance). A node
 * instance is alive while its bus is open. A test double of the open {@link StorageBackend} SPI. Thread-safe.
 */
public final class SharedBusBackend implements StorageBackend {

    private final InMemoryBackend memory;
    private final Map<String, Bus> buses = new ConcurrentHashMap<>();

    public SharedBusBackend(StorageConfig config, Clock clock) {
        this.memory = new InMemoryBackend(config, clock);
    }

    @Override
    public String name() {
        return "memory-shared-bus";
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public SessionStore sessions() {
        return memory.sessions();
    }

    @Override
    public EventStore events() {
        return memory.events();
    }

    @Override
    public RequestStateLedger requestStates() {
        return memory.requestStates();
    }

    @Override
    public SidecarStore sidecar() {
        return memory.sidecar();
    }

    @Override
    public RateLimitStore rateLimits() {
        return memory.rateLimits();
    }

    @Override
    public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
        Bus bus = new Bus(owner);
        buses.put(owner, bus);
        return bus;
    }

    @Override
    public void close() {
        memory.close();
    }

    private final class Bus implements ClusterBus {
        private final String owner;
        private final List<BiConsumer<String, String>> responses = new CopyOnWriteArrayList<>();
        private final List<Consumer<String>> ended = new CopyOnWriteArrayList<>();
        private final List<Consumer<String>> changed = new CopyOnWriteArrayList<>();
        private final List<BiConsumer<String, String>> appended = new CopyOnWriteArrayList<>();

        Bus(String owner) {
            this.owner = owner;
        }

        @Override
        public String owner() {
            return owner;
        }

        @Override
        public boolean sendResponse(String target, String sessionId, String response) {
            Bus to = buses.get(target);
            if (to == null) {
                return false;
            }
            to.responses.forEach(h -> h.accept(sessionId, response));
            return true;
        }

        @Override
        public void onResponse(BiConsumer<String, String> handler) {
            responses.add(handler);
        }

        @Override
        public void publishSessionEnded(String sessionId) {
            buses.values().forEach(b -> b.ended.forEach(h -> h.accept(sessionId)));
        }

        @Override
        public void onSessionEnded(Consumer<String> handler) {
            ended.add(handler);
        }

        @Override
        public void publishSessionChanged(String sessionId) {
            buses.values().stream().filter(b -> b != this).forEach(b -> b.changed.forEach(h -> h.accept(sessionId)));
        }

        @Override
        public void onSessionChanged(Consumer<String> handler) {
            changed.add(handler);
        }

        /** Appends happen in the shared in-memory store and wake followers of the appending node only. */
        @Override
        public void watch(String sessionId) {
            // followers on other nodes poll, as they would after a lost wake-up
        }

        @Override
        public void unwatch(String sessionId) {
            // nothing watched
        }

        @Override
        public void onAppend(BiConsumer<String, String> handler) {
            appended.add(handler);
        }

        @Override
        public boolean isAlive(String target) {
            return buses.containsKey(target);
        }

        @Override
        public void close() {
            buses.remove(owner, this);
            responses.clear();
            ended.clear();
            changed.clear();
            appended.clear();
        }
    }
}
