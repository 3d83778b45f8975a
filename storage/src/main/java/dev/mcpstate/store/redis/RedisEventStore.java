package dev.mcpstate.store.redis;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.internal.Checks;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link EventStore} on Redis Streams: one Redis Stream per session stream ({@code <prefix>:{<sessionId>}:events:
 * <streamId>}, entry fields {@code t} = epoch millis, {@code dir} = {@link Direction} name, {@code msg} = the JSON
 * text), stream information in the hash {@code <prefix>:{<sessionId>}:streams}. See {@link RedisKeys}.
 *
 * <p><b>Entry ids.</b> Every append runs one Lua script that {@code INCR}s the session counter
 * {@code <prefix>:{<sessionId>}:seq} to {@code n} and {@code XADD}s the event with the explicit id {@code n-0}.
 * Entry ids are therefore unique across all streams of a session and increase with every append, like the SQLite
 * store's; the counter is kept by {@link #deleteSession}, so ids are never reissued within a session.
 * {@link #readAfter} and {@link #isKnownPosition} also accept the short form {@code n}.
 *
 * <p><b>Retention.</b> Each {@code XADD} trims its stream exactly to
 * {@link dev.mcpstate.store.StorageConfig#maxEventsPerStream()} ({@code MAXLEN}, not {@code ~}, so the bound is
 * exact). Every append also keeps the stream's age — the time of its oldest event — in the sorted set
 * {@code <prefix>:{<sessionId>}:stream-ages}, and every script that closes a stream records when in the sorted set
 * {@code <prefix>:{<sessionId>}:closed-streams}. {@link #trim(Instant, Instant)} walks the sessions of every bucket
 * of the retention index, asks each for the streams closed before the closed cutoff or older than the cutoff (one
 * script per session, pipelined; at most 500 of each kind per ask, asked again while it returns that many). Streams
 * closed before the closed cutoff go whole (key, streams-hash fields, set member, age, closing time), up to 32 of a
 * session in one script; from each of the others one script deletes entries from the oldest end while their
 * {@code t} is older than the cutoff, in batches of 100 (bounded by the stream length), and records the stream's new
 * age; a closed stream left empty is removed whole too. So a pass costs one script per session plus one per 32
 * closed streams and one per aged stream due, not one per stream ever answered; it keeps the scripts of at most 64
 * streams in flight at once, and is meant for a
 * periodic background job. A session written before stream ages were kept is visited whole once, which records
 * them. Streams of sessions that have no record (so are not in the
 * index) are not age-trimmed; like all abandoned keys, they expire after the cleanup expiry of
 * {@link RedisDatabase}.
 *
 * <p><b>Gap-free streams.</b> The append scripts also count each stream's events in the streams hash (field
 * {@code <streamId>#n}); {@link #appendAfter} makes an append conditional on that count, checked in the same script.
 *
 * <p>{@link #isKnownPosition} treats an id as known when it is stored in the stream, or lies before the stream's
 * oldest retained entry and at or before its last generated id (a trimmed position).
 *
 * <p>Thread-safe; every method throws {@link dev.mcpstate.store.StoreException} on a storage fault, and
 * {@link #readAfter} throws {@link IllegalArgumentException} for an entry id that is not a stream entry id.
 * {@link #close()} does nothing: the connection belongs to the {@link RedisBackend}.
 */
final class RedisEventStore implements EventStore {

    private static final Logger log = LoggerFactory.getLogger(RedisEventStore.class);

    private static final LuaScript APPEND = script("append.lua");
    private static final LuaScript OPEN_AND_APPEND = script("open_and_append.lua");
    private static final LuaScript OPEN_RESPONSE_STREAM = script("open_response_stream.lua");
    private static final LuaScript APPEND_AND_CLOSE = script("append_and_close.lua");
    private static final LuaScript APPEND_ALL = script("append_all.lua");
    private static final LuaScript OPEN = script("open_stream.lua", ScriptOutputType.INTEGER);
    private static final LuaScript CLOSE = script("close_stream.lua", ScriptOutputType.INTEGER);
    private static final LuaScript POSITION = script("position.lua", ScriptOutputType.MULTI);
    private static final LuaScript TRIM = script("trim.lua", ScriptOutputType.INTEGER);
    private static final LuaScript TRIM_CANDIDATES = script("trim_candidates.lua", ScriptOutputType.MULTI);
    private static final LuaScript REMOVE_CLOSED = script("remove_closed.lua", ScriptOutputType.INTEGER);

    private static LuaScript script(String name) {
        return script(name, ScriptOutputType.VALUE);
    }

    private static LuaScript script(String name, ScriptOutputType type) {
        return LuaScript.load(type, "store/common.lua", "store/" + name);
    }

    private static final int TRIM_SESSIONS_PER_ROUND = 500;
    /** Most streams of each kind (closed, aged) one ask returns for a session. */
    static final int CANDIDATES_PER_ASK = 500;
    /** Most asks per session and pass: a bound, not a rate (visited streams are gone or re-aged). */
    private static final int MAX_ASKS = 10_000;
    /**
     * Most streams whose trim or removal one retention run has on the connection at once (a script that removes
     * several counts each), so the hot path's commands never queue behind more than that.
     */
    private static final int TRIMS_IN_FLIGHT = 64;
    /** Most closed streams of one session one script removes. */
    static final int REMOVALS_PER_SCRIPT = 32;

    private final RedisDatabase db;
    private final RedisKeys keys;
    private final Clock clock;
    private final String maxLen;
    private final String ttl;
    private final String publish;

    /**
     * @param db                 the shared Redis; not null
     * @param clock              the source of event and stream times; not null
     * @param maxEventsPerStream events kept per stream; at least 1
     */
    RedisEventStore(RedisDatabase db, Clock clock, int maxEventsPerStream) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        if (maxEventsPerStream < 1) {
            throw new IllegalArgumentException("maxEventsPerStream must be at least 1, was: " + maxEventsPerStream);
        }
        this.keys = db.keys();
        this.maxLen = Integer.toString(maxEventsPerStream);
        this.ttl = Long.toString(db.cleanupTtlMillis());
        this.publish = db.shardedPubSub() ? "SPUBLISH" : "PUBLISH";
    }

    @Override
    public void openStream(String sessionId, String streamId, StreamKind kind, String ownerNode) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        String info = streamInfo(kind, ownerNode);
        db.write("open stream", OPEN, new String[] {keys.streams(sessionId)}, ttl, streamId, info);
    }

    private String streamInfo(StreamKind kind, String ownerNode) {
        return kind.name() + "|0|" + clock.millis() + "|" + ownerNode;
    }

    @Override
    public Optional<StreamInfo> stream(String sessionId, String streamId) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        String info = db.call("read stream", () -> db.sync().hget(keys.streams(sessionId), streamId));
        if (info == null) {
            return Optional.empty();
        }
        String[] parts = info.split("\\|", 4);
        return Optional.of(new StreamInfo(sessionId, streamId, StreamKind.valueOf(parts[0]), "1".equals(parts[1]),
                parts[3], Instant.ofEpochMilli(Long.parseLong(parts[2]))));
    }

    @Override
    public void closeStream(String sessionId, String streamId) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        db.write("close stream", CLOSE, new String[] {keys.streams(sessionId), keys.closedStreams(sessionId)},
                streamId, Long.toString(clock.millis()), ttl);
    }

    @Override
    public StoredEvent append(String sessionId, String streamId, Direction direction, String message) {
        return appendWith(APPEND, "append event", sessionId, streamId, direction, message, ANY_PRECEDING);
    }

    /** One Lua script: the stream's information and its first event. */
    @Override
    public StoredEvent openStreamAndAppend(String sessionId, String streamId, StreamKind kind, String ownerNode,
            Direction direction, String message) {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        return appendWith(OPEN_AND_APPEND, "open stream and append", sessionId, streamId, direction, message,
                ANY_PRECEDING, streamInfo(kind, ownerNode));
    }

    /** One Lua script: the stream's last event and its closed flag. */
    @Override
    public StoredEvent appendAndClose(String sessionId, String streamId, Direction direction, String message) {
        return appendWith(APPEND_AND_CLOSE, "append and close", sessionId, streamId, direction, message,
                ANY_PRECEDING);
    }

    /** Pipelined on the shared connection: Redis runs the scripts in the order they were sent. */
    @Override
    public CompletableFuture<StoredEvent> appendAsync(String sessionId, String streamId, Direction direction,
            String message) {
        return appendAsyncWith(APPEND, "append event", sessionId, streamId, direction, message, ANY_PRECEDING);
    }

    /** Pipelined like {@link #appendAsync}. */
    @Override
    public CompletableFuture<StoredEvent> appendAndCloseAsync(String sessionId, String streamId, Direction direction,
            String message) {
        return appendAsyncWith(APPEND_AND_CLOSE, "append and close", sessionId, streamId, direction, message,
                ANY_PRECEDING);
    }

    /**
     * The append script checks the stream's event count (the field {@code <streamId>#n} of the streams hash) before
     * it writes, in the same atomic step; a mismatch is the error reply {@code STREAMGAP ...}.
     */
    @Override
    public CompletableFuture<StoredEvent> appendAfter(String sessionId, String streamId, long precedingEvents,
            Direction direction, String message, boolean last) {
        if (precedingEvents < 0) {
            throw new IllegalArgumentException("precedingEvents must be 0 or more, was: " + precedingEvents);
        }
        return last ? appendAsyncWith(APPEND_AND_CLOSE, "append and close", sessionId, streamId, direction, message,
                Long.toString(precedingEvents))
                : appendAsyncWith(APPEND, "append event", sessionId, streamId, direction, message,
                        Long.toString(precedingEvents));
    }

    /**
     * One script for all of them (a single event runs the one-event script): the count check, the entries, the
     * close with the last, one wake-up.
     */
    @Override
    public CompletableFuture<List<StoredEvent>> appendAllAfter(String sessionId, String streamId, long precedingEvents,
            Direction direction, List<String> messages, boolean last) {
        Checks.notEmpty(messages, "messages");
        Checks.atLeast(precedingEvents, 0, "precedingEvents");
        if (messages.size() == 1) {
            return appendAfter(sessionId, streamId, precedingEvents, direction, messages.get(0), last)
                    .thenApply(List::of);
        }
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(direction, "direction must not be null");
        String[] tail = new String[1 + messages.size()];
        tail[0] = last ? "1" : "0";
        for (int i = 0; i < messages.size(); i++) {
            tail[i + 1] = Objects.requireNonNull(messages.get(i), "messages must not hold null");
        }
        long now = clock.millis();
        return db.<String>writeAsync("append events", APPEND_ALL, appendKeys(sessionId, streamId),
                appendArgs(sessionId, streamId, now, direction, "", Long.toString(precedingEvents), tail))
                .thenApply(lastEntryId -> {
                    long lastCounter = Long.parseLong(lastEntryId.substring(0, lastEntryId.indexOf('-')));
                    List<StoredEvent> stored = new ArrayList<>(messages.size());
                    for (int i = 0; i < messages.size(); i++) {
                        String entryId = (lastCounter - messages.size() + 1 + i) + "-0";
                        stored.add(new StoredEvent(sessionId, new EventId(streamId, entryId), direction,
                                messages.get(i), Instant.ofEpochMilli(now)));
                    }
                    return stored;
                });
    }

    private CompletableFuture<StoredEvent> appendAsyncWith(LuaScript script, String what, String sessionId,
            String streamId, Direction direction, String message, String preceding) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(direction, "direction must not be null");
        Objects.requireNonNull(message, "message must not be null");
        long now = clock.millis();
        return db.<String>writeAsync(what, script, appendKeys(sessionId, streamId),
                appendArgs(sessionId, streamId, now, direction, message, preceding))
                .thenApply(entryId -> new StoredEvent(sessionId, new EventId(streamId, entryId), direction, message,
                        Instant.ofEpochMilli(now)));
    }

    /** One script: the liveness check, the stream's information, the request and the first event; nil when not live. */
    @Override
    public CompletableFuture<Optional<StoredEvent>> openResponseStream(String sessionId, String streamId,
            String ownerNode, String request, String firstEvent, boolean last) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        Objects.requireNonNull(request, "request must not be null");
        long now = clock.millis();
        String[] scriptKeys = {keys.sequence(sessionId), keys.events(sessionId, streamId),
            keys.eventStreams(sessionId), keys.streams(sessionId), keys.streamAges(sessionId),
            keys.closedStreams(sessionId), keys.session(sessionId)};
        Direction direction = firstEvent == null ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        String message = firstEvent == null ? request : firstEvent;
        return db.<String>writeAsync("open response stream", OPEN_RESPONSE_STREAM, scriptKeys,
                appendArgs(sessionId, streamId, now, Direction.CLIENT_TO_SERVER, request, ANY_PRECEDING,
                        streamInfo(StreamKind.RESPONSE, ownerNode), firstEvent == null ? "" : firstEvent,
                        last ? "1" : "0"))
                .thenApply(entryId -> entryId == null ? Optional.empty()
                        : Optional.of(new StoredEvent(sessionId, new EventId(streamId, entryId), direction, message,
                                Instant.ofEpochMilli(now))));
    }

    private String[] appendKeys(String sessionId, String streamId) {
        return new String[] {keys.sequence(sessionId), keys.events(sessionId, streamId),
            keys.eventStreams(sessionId), keys.streams(sessionId), keys.streamAges(sessionId),
            keys.closedStreams(sessionId)};
    }

    /** "The stream may hold any number of events": the append is unconditional. */
    private static final String ANY_PRECEDING = "";

    /**
     * ARGV of the append scripts: ttl, maxlen, streamId, t, dir, msg, wake channel, publish command, preceding events
     * ({@link #ANY_PRECEDING} for any)[, info...].
     */
    private String[] appendArgs(String sessionId, String streamId, long now, Direction direction, String message,
            String preceding, String... info) {
        String[] args = new String[9 + info.length];
        args[0] = ttl;
        args[1] = maxLen;
        args[2] = streamId;
        args[3] = Long.toString(now);
        args[4] = direction.name();
        args[5] = message;
        args[6] = keys.wake(sessionId);
        args[7] = publish;
        args[8] = preceding;
        System.arraycopy(info, 0, args, 9, info.length);
        return args;
    }

    private StoredEvent appendWith(LuaScript script, String what, String sessionId, String streamId,
            Direction direction, String message, String preceding, String... info) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(direction, "direction must not be null");
        Objects.requireNonNull(message, "message must not be null");
        long now = clock.millis();
        String[] scriptKeys = appendKeys(sessionId, streamId);
        String[] args = appendArgs(sessionId, streamId, now, direction, message, preceding, info);
        String entryId = db.write(what, script, scriptKeys, args);
        return new StoredEvent(sessionId, new EventId(streamId, entryId), direction, message,
                Instant.ofEpochMilli(now));
    }

    @Override
    public List<StoredEvent> readAfter(String sessionId, String streamId, String afterEntryId, int limit) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was: " + limit);
        }
        Range.Boundary<String> lower;
        if (EventId.START.equals(afterEntryId)) {
            lower = Range.Boundary.unbounded();
        } else {
            long[] after = StreamEntryId.parse(afterEntryId);
            if (after == null) {
                throw new IllegalArgumentException("afterEntryId must be a stream entry id, was: " + afterEntryId);
            }
            if (StreamEntryId.isMax(after)) {
                return List.of();
            }
            lower = Range.Boundary.excluding(StreamEntryId.format(after));
        }
        List<StreamMessage<String, String>> entries = db.call("read events", () -> db.sync()
                .xrange(keys.events(sessionId, streamId), Range.from(lower, Range.Boundary.unbounded()),
                        Limit.from(limit)));
        return entries.stream().map(e -> toEvent(sessionId, streamId, e)).toList();
    }

    private static StoredEvent toEvent(String sessionId, String streamId, StreamMessage<String, String> entry) {
        Map<String, String> body = entry.getBody();
        return new StoredEvent(sessionId, new EventId(streamId, entry.getId()), Direction.valueOf(body.get("dir")),
                body.get("msg"), Instant.ofEpochMilli(Long.parseLong(body.get("t"))));
    }

    @Override
    public String lastEntryId(String sessionId, String streamId) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        List<StreamMessage<String, String>> newest = db.call("read last entry id", () -> db.sync()
                .xrevrange(keys.events(sessionId, streamId), Range.unbounded(), Limit.from(1)));
        return newest.isEmpty() ? EventId.START : newest.get(0).getId();
    }

    @Override
    public boolean isKnownPosition(String sessionId, String streamId, String entryId) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(entryId, "entryId must not be null");
        if (EventId.START.equals(entryId)) {
            return true;
        }
        long[] position = StreamEntryId.parse(entryId);
        if (position == null) {
            return false;
        }
        List<Object> found = db.run("check event position", POSITION,
                new String[] {keys.events(sessionId, streamId)}, StreamEntryId.format(position));
        if (found.isEmpty() || ((Long) found.get(0)) == 1) {
            return !found.isEmpty();
        }
        long[] oldest = StreamEntryId.parse((String) found.get(1));
        long[] last = StreamEntryId.parse((String) found.get(2));
        return last != null && StreamEntryId.compare(position, last) <= 0
                && (oldest == null || StreamEntryId.compare(position, oldest) < 0);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Keeps the session's entry id counter, so ids are never reissued if the session appends again.
     */
    @Override
    public void deleteSession(String sessionId) {
        db.call("delete session events", () -> {
            Set<String> streamIds = db.sync().smembers(keys.eventStreams(sessionId));
            List<String> doomed = new ArrayList<>(List.of(keys.streams(sessionId), keys.eventStreams(sessionId),
                    keys.streamAges(sessionId), keys.closedStreams(sessionId)));
            streamIds.forEach(streamId -> doomed.add(keys.events(sessionId, streamId)));
            return db.sync().del(doomed.toArray(String[]::new));
        });
    }

    /**
     * {@inheritDoc}
     *
     * @return how many events were removed
     */
    @Override
    public long trim(Instant olderThan, Instant closedBefore) {
        String cutoff = Long.toString(Objects.requireNonNull(olderThan, "olderThan must not be null").toEpochMilli());
        String closedCutoff = Long.toString(Objects.requireNonNull(closedBefore, "closedBefore must not be null")
                .toEpochMilli());
        long removed = db.call("trim events", () -> {
            long total = 0;
            for (String index : keys.everySessionIndex()) {
                for (long start = 0; ; start += TRIM_SESSIONS_PER_ROUND) {
                    List<String> sessionIds = db.sync().zrange(index, start, start + TRIM_SESSIONS_PER_ROUND - 1);
                    if (sessionIds.isEmpty()) {
                        break;
                    }
                    total += trim(sessionIds, cutoff, closedCutoff);
                }
            }
            return total;
        });
        log.debug("trimmed events removed={} olderThan={}", removed, olderThan);
        return removed;
    }

    /**
     * Trims the streams of these sessions that closed before the closed cutoff ({@link RedisKeys#closedStreams}) or
     * hold events older than the cutoff (their ages in {@link RedisKeys#streamAges}), pipelined at most
     * {@link #TRIMS_IN_FLIGHT} scripts at a time, so that a session with many streams neither queues the hot path's
     * commands behind a long pipeline on the shared connection nor outlasts the command timeout. A session is asked
     * for at most {@link #CANDIDATES_PER_ASK} streams of each kind at a time (so one busy session never blocks Redis
     * with one huge reply) and asked again while it returns that many. Closed streams go whole,
     * {@link #REMOVALS_PER_SCRIPT} of a session per script (their keys share the session's hash slot); the others are
     * trimmed one script each.
     *
     * @return how many events were removed
     */
    private long trim(List<String> sessionIds, String cutoff, String closedCutoff) {
        long removed = 0;
        String limit = Integer.toString(CANDIDATES_PER_ASK);
        List<String> due = sessionIds;
        for (int ask = 0; !due.isEmpty() && ask < MAX_ASKS; ask++) {
            List<String> asked = due;
            List<List<List<String>>> candidates = db.awaitAll("trim events", asked.stream()
                    .map(id -> db.<List<List<String>>>runAsync("trim events", TRIM_CANDIDATES,
                            new String[] {keys.eventStreams(id), keys.streamAges(id), keys.closedStreams(id)}, cutoff,
                            closedCutoff, limit))
                    .toList());
            due = new ArrayList<>();
            Pipeline trims = new Pipeline();
            for (int i = 0; i < asked.size(); i++) {
                String sessionId = asked.get(i);
                List<String> closed = candidates.get(i).get(0);
                List<String> aged = candidates.get(i).get(1);
                // either list may have come to `limit`, the aged one before the closed ones were taken out of it
                if (closed.size() + aged.size() >= CANDIDATES_PER_ASK) {
                    due.add(sessionId); // maybe more
                }
                for (int from = 0; from < closed.size(); from += REMOVALS_PER_SCRIPT) {
                    List<String> chunk = closed.subList(from, Math.min(closed.size(), from + REMOVALS_PER_SCRIPT));
                    trims.add(removeClosed(sessionId, chunk, closedCutoff), chunk.size());
                }
                for (String streamId : aged) {
                    trims.add(db.runAsync("trim events", TRIM, new String[] {keys.events(sessionId, streamId),
                            keys.streams(sessionId), keys.eventStreams(sessionId), keys.streamAges(sessionId),
                            keys.closedStreams(sessionId)}, cutoff, streamId, closedCutoff), 1);
                }
            }
            removed += trims.finish();
        }
        return removed;
    }

    /** One script that removes these closed streams of one session whole. */
    private CompletableFuture<Long> removeClosed(String sessionId, List<String> streamIds, String closedCutoff) {
        String[] scriptKeys = new String[4 + streamIds.size()];
        scriptKeys[0] = keys.streams(sessionId);
        scriptKeys[1] = keys.eventStreams(sessionId);
        scriptKeys[2] = keys.streamAges(sessionId);
        scriptKeys[3] = keys.closedStreams(sessionId);
        String[] args = new String[1 + streamIds.size()];
        args[0] = closedCutoff;
        for (int i = 0; i < streamIds.size(); i++) {
            scriptKeys[4 + i] = keys.events(sessionId, streamIds.get(i));
            args[1 + i] = streamIds.get(i);
        }
        return db.runAsync("trim events", REMOVE_CLOSED, scriptKeys, args);
    }

    /**
     * The trim scripts of one ask on their way, for at most {@link #TRIMS_IN_FLIGHT} streams; waited for when
     * full.
     */
    private final class Pipeline {
        private final List<CompletableFuture<Long>> inFlight = new ArrayList<>(TRIMS_IN_FLIGHT);
        private int streams;
        /** Events removed by the scripts waited for so far. */
        private long removed;

        /** @param streamCount how many streams the script trims or removes */
        void add(CompletableFuture<Long> script, int streamCount) {
            inFlight.add(script);
            streams += streamCount;
            if (streams >= TRIMS_IN_FLIGHT) {
                finish();
            }
        }

        /** Waits for the scripts still in flight; @return events removed by every script added so far */
        long finish() {
            removed += sum(db.awaitAll("trim events", inFlight));
            inFlight.clear();
            streams = 0;
            return removed;
        }
    }

    private static long sum(List<Long> counts) {
        return counts.stream().mapToLong(Long::longValue).sum();
    }

}
