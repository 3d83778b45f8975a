package dev.mcpstate.store.internal;

import dev.mcpstate.store.ClusterBus;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The bus of a backend of one node (SQLite, memory): delivers to this node instance only. Other owners — earlier incarnations of
 * this node — are dead by definition. Thread-safe; handlers run on the caller's thread.
 */
public final class LocalClusterBus implements ClusterBus {

    private final String owner;
    private final List<BiConsumer<String, String>> responseHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> endedHandlers = new CopyOnWriteArrayList<>();

    /** @param owner this node instance's owner tag; not null */
    public LocalClusterBus(String owner) {
        this.owner = Objects.requireNonNull(owner, "owner must not be null");
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public boolean sendResponse(String target, String sessionId, String response) {
        if (!owner.equals(target)) {
            return false;
        }
        responseHandlers.forEach(h -> h.accept(sessionId, response));
        return true;
    }

    @Override
    public void onResponse(BiConsumer<String, String> handler) {
        responseHandlers.add(Objects.requireNonNull(handler, "handler must not be null"));
    }

    @Override
    public void publishSessionEnded(String sessionId) {
        endedHandlers.forEach(h -> h.accept(sessionId));
    }

    @Override
    public void onSessionEnded(Consumer<String> handler) {
        endedHandlers.add(Objects.requireNonNull(handler, "handler must not be null"));
    }

    @Override
    public void publishSessionChanged(String sessionId) {
        // one node: there is no other node to tell
    }

    @Override
    public void onSessionChanged(Consumer<String> handler) {
        Objects.requireNonNull(handler, "handler must not be null"); // one node: never called
    }

    /** Nothing to watch: every append happens on this node, whose own wake-ups reach its followers. */
    @Override
    public void watch(String sessionId) {
        // one node: nothing is appended elsewhere
    }

    @Override
    public void unwatch(String sessionId) {
        // nothing was watched
    }

    @Override
    public void onAppend(BiConsumer<String, String> handler) {
        Objects.requireNonNull(handler, "handler must not be null");
    }

    @Override
    public boolean isAlive(String target) {
        return owner.equals(target);
    }

    @Override
    public void close() {
        responseHandlers.clear();
        endedHandlers.clear();
    }
}
