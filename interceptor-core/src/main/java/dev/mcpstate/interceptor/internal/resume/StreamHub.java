package dev.mcpstate.interceptor.internal.resume;

import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamKind;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends events to the {@link EventStore} and wakes the followers of that stream on this node, so a resumed or
 * listening GET delivers a new event as soon as it is durable. Followers of streams produced on other nodes are woken
 * by the wake-ups the cluster bus delivers ({@link #attach}), and poll the store as a fallback (see
 * {@link StreamFollower}).
 *
 * <p>Thread-safe. A follower {@link #follow}s a stream with a callback that the hub runs on every change: on the
 * appending thread (or the bus's), so it must only hand work over, never block. A follower that marks itself
 * changed <em>before</em> it reads the store misses no append between its read and its next wake-up.
 */
public final class StreamHub {

    private final EventStore events;
    private final FilterMetrics metrics;
    private final ConcurrentHashMap<String, Followers> streams = new ConcurrentHashMap<>();
    private volatile ClusterBus bus;

    /** @param events the event store; not null */
    public StreamHub(EventStore events) {
        this(events, FilterMetrics.of(null));
    }

    /**
     * @param events  the event store; not null
     * @param metrics counts the messages stored; not null
     */
    public StreamHub(EventStore events, FilterMetrics metrics) {
        this.events = Objects.requireNonNull(events, "events must not be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
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
        metrics.appended(direction);
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
        metrics.appended(direction);
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
            stored.ifPresent(event -> {
                metrics.appended(Direction.CLIENT_TO_SERVER);
                if (firstEvent != null) {
                    metrics.appended(Direction.SERVER_TO_CLIENT);
                }
                wake(sessionId, streamId);
            });
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
            metrics.appended(direction);
            wake(sessionId, streamId);
            return event;
        });
    }

    /**
     * Appends several events of one stream without waiting, behind exactly {@code precedingEvents} events
     * ({@link EventStore#appendAllAfter}); followers are woken once, when all of them are durable.
     *
     * @param last true when the final message is the stream's last: the stream is closed with it
     * @return the stored events in order, or a future failed with the store's exception
     */
    public CompletableFuture<List<StoredEvent>> appendAllAfter(String sessionId, String streamId,
            long precedingEvents, Direction direction, List<String> messages, boolean last) {
        return events.appendAllAfter(sessionId, streamId, precedingEvents, direction, messages, last)
                .thenApply(stored -> {
                    stored.forEach(event -> metrics.appended(direction));
                    wake(sessionId, streamId);
                    return stored;
                });
    }

    /** Marks a stream ended in the store, then wakes its followers so they finish. */
    public void close(String sessionId, String streamId) {
        events.closeStream(sessionId, streamId);
        wake(sessionId, streamId);
    }

    /** Wakes the followers of a stream without appending, e.g. when its session ends. */
    public void wake(String sessionId, String streamId) {
        Followers followers = streams.get(key(sessionId, streamId));
        if (followers != null) {
            followers.callbacks.forEach(Runnable::run);
        }
    }

    /**
     * Starts following a stream's changes: appends and closes made through this hub, and the appends other nodes
     * announce on the bus, run {@code onChange}. Close the subscription when done; the hub forgets a stream once
     * nobody follows it.
     *
     * @param onChange runs on the thread that made or heard of the change; must not block; not null
     * @return the subscription; {@link Subscription#close} is idempotent and thread-safe
     */
    public Subscription follow(String sessionId, String streamId, Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange must not be null");
        String key = key(sessionId, streamId);
        streams.compute(key, (k, f) -> {
            Followers followed = f == null ? new Followers() : f;
            followed.callbacks.add(onChange);
            return followed;
        });
        ClusterBus watching = bus;
        if (watching != null) {
            watching.watch(sessionId);
        }
        return new Subscription(sessionId, key, onChange, watching);
    }

    /** @return how many streams have followers now */
    int followedStreams() {
        return streams.size();
    }

    /** One follower's registration on a stream. */
    public final class Subscription implements AutoCloseable {
        private final String sessionId;
        private final String key;
        private final Runnable callback;
        private final ClusterBus watching;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Subscription(String sessionId, String key, Runnable callback, ClusterBus watching) {
            this.sessionId = sessionId;
            this.key = key;
            this.callback = callback;
            this.watching = watching;
        }

        /** Stops following. Idempotent. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                streams.computeIfPresent(key, (k, f) -> {
                    f.callbacks.remove(callback);
                    return f.callbacks.isEmpty() ? null : f;
                });
                if (watching != null) {
                    watching.unwatch(sessionId);
                }
            }
        }
    }

    private static String key(String sessionId, String streamId) {
        return sessionId + '\u0000' + streamId;
    }

    /** The callbacks of one stream's followers; changed only inside map updates of its key. */
    private static final class Followers {
        private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    }
}
