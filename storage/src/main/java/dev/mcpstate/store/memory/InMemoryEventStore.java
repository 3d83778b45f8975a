package dev.mcpstate.store.memory;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StreamGapException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * An {@link EventStore} in memory, the stores of {@link InMemoryBackend}. Entry ids are decimal numbers from one counter, like the SQLite
 * store's; retention and {@link #isKnownPosition} follow the same rules. Thread-safe (one lock); throws
 * {@link StreamGapException} only for an {@link #appendAfter} whose count does not match.
 */
final class InMemoryEventStore implements EventStore {

    private static final class Stream {
        StreamInfo info;
        long lastIssued;
        /** Events appended since the stream was opened, trimmed ones included. */
        long appended;
        /** When the stream was closed; null while open. */
        Instant closedAt;
        final TreeMap<Long, StoredEvent> events = new TreeMap<>();
    }

    private final Clock clock;
    private final int maxEventsPerStream;
    private final Map<String, Map<String, Stream>> sessions = new HashMap<>();
    private long counter;
    private Predicate<String> liveSession = id -> true;

    /**
     * @param clock              the source of event and stream times; not null
     * @param maxEventsPerStream events kept per stream; at least 1
     */
    InMemoryEventStore(Clock clock, int maxEventsPerStream) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.maxEventsPerStream = maxEventsPerStream;
    }

    /** Tells {@link #openResponseStream} which sessions are live; set once by the backend. */
    synchronized void liveSessions(Predicate<String> live) {
        this.liveSession = Objects.requireNonNull(live, "live must not be null");
    }

    @Override
    public synchronized CompletableFuture<Optional<StoredEvent>> openResponseStream(String sessionId, String streamId,
            String ownerNode, String request, String firstEvent, boolean last) {
        if (!liveSession.test(sessionId)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        openStream(sessionId, streamId, StreamKind.RESPONSE, ownerNode);
        StoredEvent stored = append(sessionId, streamId, Direction.CLIENT_TO_SERVER, request);
        if (firstEvent != null) {
            stored = append(sessionId, streamId, Direction.SERVER_TO_CLIENT, firstEvent);
        }
        if (last) {
            closeStream(sessionId, streamId);
        }
        return CompletableFuture.completedFuture(Optional.of(stored));
    }

    private Stream stream(String sessionId, String streamId, boolean create) {
        Map<String, Stream> streams = create
                ? sessions.computeIfAbsent(sessionId, k -> new HashMap<>())
                : sessions.getOrDefault(sessionId, Map.of());
        return create ? streams.computeIfAbsent(streamId, k -> new Stream()) : streams.get(streamId);
    }

    @Override
    public synchronized void openStream(String sessionId, String streamId, StreamKind kind, String ownerNode) {
        Stream s = stream(sessionId, streamId, true);
        if (s.info == null) {
            s.info = new StreamInfo(sessionId, streamId, kind, false, ownerNode, clock.instant());
        }
    }

    @Override
    public synchronized Optional<StreamInfo> stream(String sessionId, String streamId) {
        Stream s = stream(sessionId, streamId, false);
        return Optional.ofNullable(s == null ? null : s.info);
    }

    @Override
    public synchronized void closeStream(String sessionId, String streamId) {
        Stream s = stream(sessionId, streamId, false);
        if (s != null && s.info != null) {
            StreamInfo i = s.info;
            s.info = new StreamInfo(i.sessionId(), i.streamId(), i.kind(), true, i.ownerNode(), i.openedAt());
            if (s.closedAt == null) {
                s.closedAt = clock.instant();
            }
        }
    }

    @Override
    public synchronized StoredEvent append(String sessionId, String streamId, Direction direction, String message) {
        Stream s = stream(sessionId, streamId, true);
        s.lastIssued = ++counter;
        s.appended++;
        StoredEvent event = new StoredEvent(sessionId, new EventId(streamId, Long.toString(counter)), direction,
                message, clock.instant());
        s.events.put(counter, event);
        while (s.events.size() > maxEventsPerStream) {
            s.events.pollFirstEntry();
        }
        return event;
    }

    /** Checks the stream's count of appended events like the Redis store, so the filter's tests hold it to it. */
    @Override
    public synchronized CompletableFuture<StoredEvent> appendAfter(String sessionId, String streamId,
            long precedingEvents, Direction direction, String message, boolean last) {
        Stream s = stream(sessionId, streamId, false);
        long have = s == null ? 0 : s.appended;
        if (have != precedingEvents) {
            return CompletableFuture.failedFuture(new StreamGapException("stream " + streamId + " holds " + have
                    + " events, not " + precedingEvents));
        }
        StoredEvent event = append(sessionId, streamId, direction, message);
        if (last) {
            closeStream(sessionId, streamId);
        }
        return CompletableFuture.completedFuture(event);
    }

    @Override
    public synchronized List<StoredEvent> readAfter(String sessionId, String streamId, String afterEntryId,
            int limit) {
        Stream s = stream(sessionId, streamId, false);
        return s == null ? List.of()
                : s.events.tailMap(parse(afterEntryId), false).values().stream().limit(limit).toList();
    }

    @Override
    public synchronized String lastEntryId(String sessionId, String streamId) {
        Stream s = stream(sessionId, streamId, false);
        return s == null || s.events.isEmpty() ? EventId.START : Long.toString(s.events.lastKey());
    }

    @Override
    public synchronized boolean isKnownPosition(String sessionId, String streamId, String entryId) {
        if (EventId.START.equals(entryId)) {
            return true;
        }
        Stream s = stream(sessionId, streamId, false);
        long position = parse(entryId);
        return s != null && (s.events.containsKey(position) || position <= s.lastIssued
                && (s.events.isEmpty() || position < s.events.firstKey()));
    }

    @Override
    public synchronized void deleteSession(String sessionId) {
        sessions.remove(sessionId);
    }

    @Override
    public synchronized long trim(Instant olderThan, Instant closedBefore) {
        Objects.requireNonNull(olderThan, "olderThan must not be null");
        Objects.requireNonNull(closedBefore, "closedBefore must not be null");
        long removed = 0;
        for (Map<String, Stream> streams : sessions.values()) {
            for (Iterator<Stream> it = streams.values().iterator(); it.hasNext(); ) {
                Stream s = it.next();
                if (s.closedAt != null && s.closedAt.isBefore(closedBefore)) {
                    removed += s.events.size();
                    it.remove(); // closed long enough ago: goes whole
                    continue;
                }
                int before = s.events.size();
                s.events.values().removeIf(e -> e.createdAt().isBefore(olderThan));
                removed += before - s.events.size();
                if (s.events.isEmpty() && s.info != null && s.info.closed()) {
                    it.remove(); // a closed stream left empty goes whole
                }
            }
        }
        return removed;
    }


    private static long parse(String entryId) {
        try {
            return Long.parseLong(entryId);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
