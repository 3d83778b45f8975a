package dev.mcpstate.interceptor;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.StorageBackend;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage backend (the open {@link StorageBackend} SPI) whose event appends fail while {@link #failAppends} is on,
 * as a store that just became unreachable, and whose response streams' opening writes are held back while
 * {@link #holdOpens} is on, as a store that is slow to answer; everything else is the wrapped backend's. Thread-safe.
 */
public final class FailingBackend implements StorageBackend {

    private final StorageBackend inner;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean unavailable = new AtomicBoolean();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean holding = new AtomicBoolean();
    /** Opening writes held back, by session and stream, until {@link #releaseOpens}. */
    private final ConcurrentHashMap<String, Runnable> heldOpens = new ConcurrentHashMap<>();
    private final AtomicInteger appendsTried = new AtomicInteger();
    private final EventStore events;

    /** @param inner the backend that does the work; owned by this one */
    public FailingBackend(StorageBackend inner) {
        this.inner = inner;
        this.events = new Events(inner.events());
    }

    /** @param on true: every append from now on throws {@link StoreException} (or fails its future) */
    public void failAppends(boolean on) {
        failing.set(on);
    }

    /** @param on true: a response stream's opening write reaches the wrapped store only at {@link #releaseOpens} */
    public void holdOpens(boolean on) {
        holding.set(on);
    }

    /** @return how many opening writes are held back now */
    public int heldOpens() {
        return heldOpens.size();
    }

    /** Sends every held opening write to the wrapped store. */
    public void releaseOpens() {
        heldOpens.keySet().forEach(key -> {
            Runnable open = heldOpens.remove(key);
            if (open != null) {
                open.run();
            }
        });
    }

    /** @return how many {@link EventStore#appendAfter} calls reached this backend so far */
    public int appendsTried() {
        return appendsTried.get();
    }

    /** @return how many appends were refused so far */
    public int refused() {
        return refused.get();
    }

    /** @param on true: {@link #available()} says false, as a backend whose circuit breaker is open */
    public void unavailable(boolean on) {
        unavailable.set(on);
    }

    private <T> CompletableFuture<T> refusedFuture() {
        refused.incrementAndGet();
        return CompletableFuture.failedFuture(new StoreException("append refused"));
    }

    @Override
    public boolean available() {
        return !unavailable.get() && inner.available();
    }

    private void refuseWhenFailing() {
        if (failing.get()) {
            refused.incrementAndGet();
            throw new StoreException("append refused by FailingBackend");
        }
    }

    @Override
    public String name() {
        return "failing-" + inner.name();
    }

    @Override
    public boolean shared() {
        return inner.shared();
    }

    @Override
    public SessionStore sessions() {
        return inner.sessions();
    }

    @Override
    public EventStore events() {
        return events;
    }

    @Override
    public SidecarStore sidecar() {
        return inner.sidecar();
    }

    @Override
    public RateLimitStore rateLimits() {
        return inner.rateLimits();
    }

    @Override
    public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
        return inner.openBus(owner, heartbeatInterval, deadAfter);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** Delegates; appends check the switch first. */
    private final class Events implements EventStore {
        private final EventStore store;

        Events(EventStore store) {
            this.store = store;
        }

        @Override
        public void openStream(String sessionId, String streamId, StreamKind kind, String ownerNode) {
            store.openStream(sessionId, streamId, kind, ownerNode);
        }

        @Override
        public Optional<StreamInfo> stream(String sessionId, String streamId) {
            return store.stream(sessionId, streamId);
        }

        @Override
        public void closeStream(String sessionId, String streamId) {
            store.closeStream(sessionId, streamId);
        }

        @Override
        public StoredEvent append(String sessionId, String streamId, Direction direction, String message) {
            refuseWhenFailing();
            return store.append(sessionId, streamId, direction, message);
        }

        @Override
        public StoredEvent openStreamAndAppend(String sessionId, String streamId, StreamKind kind,
                String ownerNode, Direction direction, String message) {
            refuseWhenFailing();
            return store.openStreamAndAppend(sessionId, streamId, kind, ownerNode, direction, message);
        }

        @Override
        public StoredEvent appendAndClose(String sessionId, String streamId, Direction direction, String message) {
            refuseWhenFailing();
            return store.appendAndClose(sessionId, streamId, direction, message);
        }

        @Override
        public CompletableFuture<Optional<StoredEvent>> openResponseStream(String sessionId, String streamId,
                String ownerNode, String request, String firstEvent, boolean last) {
            if (failing.get()) {
                return refusedFuture();
            }
            if (!holding.get()) {
                return store.openResponseStream(sessionId, streamId, ownerNode, request, firstEvent, last);
            }
            CompletableFuture<Optional<StoredEvent>> opened = new CompletableFuture<>();
            heldOpens.put(sessionId + "/" + streamId, () -> store.openResponseStream(sessionId, streamId, ownerNode,
                    request, firstEvent, last).whenComplete((event, e) -> {
                        if (e != null) {
                            opened.completeExceptionally(e);
                        } else {
                            opened.complete(event);
                        }
                    }));
            return opened;
        }

        @Override
        public CompletableFuture<StoredEvent> appendAfter(String sessionId, String streamId, long precedingEvents,
                Direction direction, String message, boolean last) {
            appendsTried.incrementAndGet();
            return failing.get() ? refusedFuture()
                    : store.appendAfter(sessionId, streamId, precedingEvents, direction, message, last);
        }

        @Override
        public CompletableFuture<StoredEvent> appendAsync(String sessionId, String streamId, Direction direction,
                String message) {
            return failing.get() ? refusedFuture()
                    : store.appendAsync(sessionId, streamId, direction, message);
        }

        @Override
        public CompletableFuture<StoredEvent> appendAndCloseAsync(String sessionId, String streamId,
                Direction direction, String message) {
            return failing.get() ? refusedFuture()
                    : store.appendAndCloseAsync(sessionId, streamId, direction, message);
        }

        @Override
        public List<StoredEvent> readAfter(String sessionId, String streamId, String afterEntryId, int limit) {
            return store.readAfter(sessionId, streamId, afterEntryId, limit);
        }

        @Override
        public String lastEntryId(String sessionId, String streamId) {
            return store.lastEntryId(sessionId, streamId);
        }

        @Override
        public boolean isKnownPosition(String sessionId, String streamId, String entryId) {
            return store.isKnownPosition(sessionId, streamId, entryId);
        }

        @Override
        public void deleteSession(String sessionId) {
            store.deleteSession(sessionId);
        }

        @Override
        public long trim(Instant olderThan, Instant closedBefore) {
            return store.trim(olderThan, closedBefore);
        }
    }
}
