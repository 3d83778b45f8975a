package dev.mcpstate.interceptor.internal.resume;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamKind;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends events to the {@link EventStore} and wakes the followers of that stream on this node, so a resumed or
 * listening GET delivers a new event as soon as it is durable. Followers of streams produced on other nodes are woken
 * by the wake-ups the cluster bus delivers ({@link #attach}), and poll the store as a fallback (see
 * {@link StreamFollower}).
 *
 * <p>Thread-safe. A follower {@link #follow}s a stream, reads {@link Subscription#version()} <em>before</em> reading
 * the store and then {@link Subscription#await}s on that version, so no append between the read and the wait is
 * missed.
 */
public final class StreamHub {

    private final EventStore events;
    private final ConcurrentHashMap<String, Signal> signals = new ConcurrentHashMap<>();
    private volatile ClusterBus bus;

    /** @param events the event store; not null */
    public StreamHub(EventStore events) {
        this.events = Objects.requireNonNull(events, "events must not be null");
    }

    /**
     * Connects the hub to the cluster bus: followed sessions are watched, and appends other nodes announce wake
     * their followers here at once.
     *
     * @param clusterBus the node's bus; not null
     */
    public void attach(ClusterBus clusterBus) {
        Objects.requireNonNull(clusterBus, "clusterBus must not be null");
        clusterBus.onAppend(this::wake);
        this.bus = clusterBus;
    }

    /** @return the event store behind this hub */
    public EventStore events() {
        return events;
    }

    /**
     * Appends an event durably, then wakes the stream's followers.
     *
     * @return the stored event with its id
     * @throws dev.mcpstate.store.StoreException when the store fails; nobody is woken
     */
    public StoredEvent append(String sessionId, String streamId, Direction direction, String message) {
        StoredEvent event = events.append(sessionId, streamId, direction, message);
        wake(sessionId, streamId);
        return event;
    }

    /**
     * Opens a stream and appends its first message in one store operation, then wakes its followers.
     *
     * @return the stored event with its id
     */
    public StoredEvent openAndAppend(String sessionId, String streamId, StreamKind kind, String owner,
            Direction direction, String message) {
        StoredEvent event = events.openStreamAndAppend(sessionId, streamId, kind, owner, direction, message);
        wake(sessionId, streamId);
        return event;
    }

    /**
     * Opens a request's response stream with the request and the first event, if the session is live ({@link
     * EventStore#openResponseStream}), without waiting; followers are woken once it is durable.
     */
    public CompletableFuture<Optional<StoredEvent>> openResponseStream(String sessionId, String streamId,
            String owner, String request, String firstEvent, boolean last) {
        return events.openResponseStream(sessionId, streamId, owner, request, firstEvent, last).thenApply(stored -> {
            stored.ifPresent(event -> wake(sessionId, streamId));
            return stored;
        });
    }

    /**
     * Appends without waiting; followers are woken once the event is durable. Ordered like
     * {@link EventStore#appendAsync}.
     *
     * @param last true for the stream's final message: the stream is closed with it
     * @return the stored event, or a future failed with the store's exception
     */
    public CompletableFuture<StoredEvent> appendAsync(String sessionId, String streamId, Direction direction,
            String message, boolean last) {
        CompletableFuture<StoredEvent> stored = last
                ? events.appendAndCloseAsync(sessionId, streamId, direction, message)
                : events.appendAsync(sessionId, streamId, direction, message);
        return stored.thenApply(event -> {
            wake(sessionId, streamId);
            return event;
        });
    }

    /** Marks a stream ended in the store, then wakes its followers so they finish. */
    public void close(String sessionId, String streamId) {
        events.closeStream(sessionId, streamId);
        wake(sessionId, streamId);
    }

    /** Wakes the followers of a stream without appending, e.g. when its session ends. */
    public void wake(String sessionId, String streamId) {
        Signal signal = signals.get(key(sessionId, streamId));
        if (signal != null) {
            signal.bump();
        }
    }

    /**
     * Starts following a stream's changes: appends and closes made through this hub wake the subscription. Close
     * it when done; the hub forgets a stream once nobody follows it.
     *
     * @return the subscription; not thread-safe, for the one follower that opened it
     */
    public Subscription follow(String sessionId, String streamId) {
        String key = key(sessionId, streamId);
        Signal signal = signals.compute(key, (k, s) -> {
            Signal followed = s == null ? new Signal() : s;
            followed.followers++;
            return followed;
        });
        ClusterBus watching = bus;
        if (watching != null) {
            watching.watch(sessionId);
        }
        return new Subscription(sessionId, key, signal, watching);
    }

    /** @return how many streams have followers now */
    int followedStreams() {
        return signals.size();
    }

    /** One follower's view of a stream's changes. */
    public final class Subscription implements AutoCloseable {
        private final String sessionId;
        private final String key;
        private final Signal signal;
        private final ClusterBus watching;
        private boolean closed;

        private Subscription(String sessionId, String key, Signal signal, ClusterBus watching) {
            this.sessionId = sessionId;
            this.key = key;
            this.signal = signal;
            this.watching = watching;
        }

        /** @return the stream's change counter; read it <em>before</em> reading the store, then pass it to await */
        public long version() {
            return signal.version();
        }

        /**
         * Waits until the stream changed after {@code seen} was read, or the timeout passed.
         *
         * @param seen    a value returned by {@link #version()}
         * @param timeout the longest wait; positive
         * @return true when the stream changed, false on timeout
         * @throws InterruptedException when the waiting thread is interrupted (node shutting down)
         */
        public boolean await(long seen, Duration timeout) throws InterruptedException {
            return signal.awaitChange(seen, timeout.toMillis());
        }

        /** Stops following. Idempotent. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                signals.computeIfPresent(key, (k, s) -> --s.followers == 0 ? null : s);
                if (watching != null) {
                    watching.unwatch(sessionId);
                }
            }
        }
    }

    private static String key(String sessionId, String streamId) {
        return sessionId + '\u0000' + streamId;
    }

    /** A change counter with wait/notify, and how many subscriptions share it (changed inside map updates). */
    private static final class Signal {
        private long version;
        private int followers;

        synchronized long version() {
            return version;
        }

        synchronized void bump() {
            version++;
            notifyAll();
        }

        synchronized boolean awaitChange(long seen, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (version == seen) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }
}
