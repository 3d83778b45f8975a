package dev.mcpstate.store.redis;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
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
import java.util.concurrent.CompletionException;

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
 * exact). {@link #trim(Instant)} walks the sessions of the global index and, for each stream, deletes entries
 * from the oldest end while their {@code t} is older than the cutoff, in batches of 100 (bounded by the stream
 * length); it is meant for a periodic background job. Streams of sessions that have no record (so are not in the
 * index) are not age-trimmed; like all abandoned keys, they expire after the cleanup expiry of
 * {@link RedisDatabase}.
 *
 * <p>{@link #isKnownPosition} treats an id as known when it is stored in the stream, or lies before the stream's
 * oldest retained entry and at or before its last generated id (a trimmed position).
 *
 * <p>Thread-safe; every method throws {@link dev.mcpstate.store.StoreException} on a storage fault, and
 * {@link #readAfter} throws {@link IllegalArgumentException} for an entry id that is not a stream entry id.
 * {@link #close()} does nothing: the connection belongs to whoever opened the {@link RedisDatabase}.
 */
public final class RedisEventStore implements EventStore {

    private static final Logger log = LoggerFactory.getLogger(RedisEventStore.class);

    /**
     * Lua fragment of every append. KEYS: seq, events, event-streams[, streams]; ARGV: ttl, maxlen, streamId, t,
     * dir, msg[, stream info]. Leaves the new entry id in {@code id}.
     */
    private static final String APPEND_ENTRY = """
            local id = string.format('%d-0', redis.call('INCR', KEYS[1]))
            redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], id, 't', ARGV[4], 'dir', ARGV[5], 'msg', ARGV[6])
            redis.call('SADD', KEYS[3], ARGV[3])
            """;

    /** Lua fragment: sets the closed flag of "KIND|closed|openedAt|owner" in hash KEYS[k] for stream ARGV[a]. */
    private static String closeFragment(int k, int a) {
        return "local v = redis.call('HGET', KEYS[" + k + "], ARGV[" + a + "])\n"
                + "if v then redis.call('HSET', KEYS[" + k + "], ARGV[" + a
                + "], (string.gsub(v, '^([^|]*)|0|', '%1|1|', 1))) end\n";
    }

    /** Appends one event; returns its entry id. */
    private static final LuaScript APPEND = new LuaScript(ScriptOutputType.VALUE,
            APPEND_ENTRY + LuaScript.REFRESH_EXPIRY + "return id");

    /** Opens the stream (KEYS[4] = streams, ARGV[7] = info) and appends its first event. */
    private static final LuaScript OPEN_AND_APPEND = new LuaScript(ScriptOutputType.VALUE,
            "redis.call('HSETNX', KEYS[4], ARGV[3], ARGV[7])\n" + APPEND_ENTRY + LuaScript.REFRESH_EXPIRY
                    + "return id");

    /** Appends the stream's last event and closes the stream (KEYS[4] = streams). */
    private static final LuaScript APPEND_AND_CLOSE = new LuaScript(ScriptOutputType.VALUE,
            APPEND_ENTRY + closeFragment(4, 3) + LuaScript.REFRESH_EXPIRY + "return id");

    /** KEYS: streams; ARGV: ttl, streamId, info. */
    private static final LuaScript OPEN = new LuaScript(ScriptOutputType.INTEGER,
            "redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3])\n" + LuaScript.REFRESH_EXPIRY + "return 1");

    /** KEYS: streams; ARGV: streamId. */
    private static final LuaScript CLOSE = new LuaScript(ScriptOutputType.INTEGER,
            closeFragment(1, 1) + "return v and 1 or 0");

    /** KEYS: events; ARGV: entry id. {} when no stream, {1} when stored, else {0, first id or '', last id}. */
    private static final LuaScript POSITION = new LuaScript(ScriptOutputType.MULTI, """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
            if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) > 0 then return {1} end
            local info = redis.call('XINFO', 'STREAM', KEYS[1])
            local first, last = '', ''
            for i = 1, #info, 2 do
              if info[i] == 'last-generated-id' then last = info[i + 1]
              elseif info[i] == 'first-entry' and info[i + 1] then first = info[i + 1][1] end
            end
            return {0, first, last}""");

    /** KEYS: events; ARGV: cutoff millis. Deletes entries older than the cutoff from the oldest end. */
    private static final LuaScript TRIM = new LuaScript(ScriptOutputType.INTEGER, """
            local cutoff, removed = tonumber(ARGV[1]), 0
            while true do
              local batch, old = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 100), {}
              for _, e in ipairs(batch) do
                local f, t = e[2], nil
                for j = 1, #f, 2 do if f[j] == 't' then t = tonumber(f[j + 1]) end end
                if t and t >= cutoff then break end
                old[#old + 1] = e[1]
              end
              if #old > 0 then removed = removed + redis.call('XDEL', KEYS[1], unpack(old)) end
              if #old < 100 then return removed end
            end""");

    private static final int TRIM_SESSIONS_PER_ROUND = 500;

    private final RedisDatabase db;
    private final RedisKeys keys;
    private final StatefulRedisConnection<String, String> connection;
    private final Clock clock;
    private final String maxLen;
    private final String ttl;

    /**
     * @param db                 the shared Redis; not null
     * @param clock              the source of event and stream times; not null
     * @param maxEventsPerStream events kept per stream; at least 1
     */
    public RedisEventStore(RedisDatabase db, Clock clock, int maxEventsPerStream) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        if (maxEventsPerStream < 1) {
            throw new IllegalArgumentException("maxEventsPerStream must be at least 1, was: " + maxEventsPerStream);
        }
        this.keys = db.keys();
        this.connection = db.connection();
        this.maxLen = Integer.toString(maxEventsPerStream);
        this.ttl = Long.toString(db.cleanupTtlMillis());
    }

    @Override
    public void openStream(String sessionId, String streamId, StreamKind kind, String ownerNode) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        String info = streamInfo(kind, ownerNode);
        db.call("open stream", () -> OPEN.run(connection, new String[] {keys.streams(sessionId)}, ttl, streamId, info));
    }

    private String streamInfo(StreamKind kind, String ownerNode) {
        return kind.name() + "|0|" + clock.millis() + "|" + ownerNode;
    }

    @Override
    public Optional<StreamInfo> stream(String sessionId, String streamId) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        String info = db.call("read stream", () -> connection.sync().hget(keys.streams(sessionId), streamId));
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
        db.call("close stream", () -> CLOSE.run(connection, new String[] {keys.streams(sessionId)}, streamId));
    }

    @Override
    public StoredEvent append(String sessionId, String streamId, Direction direction, String message) {
        return appendWith(APPEND, "append event", sessionId, streamId, direction, message);
    }

    /** One Lua script: the stream's information and its first event. */
    @Override
    public StoredEvent openStreamAndAppend(String sessionId, String streamId, StreamKind kind, String ownerNode,
            Direction direction, String message) {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(ownerNode, "ownerNode must not be null");
        return appendWith(OPEN_AND_APPEND, "open stream and append", sessionId, streamId, direction, message,
                streamInfo(kind, ownerNode));
    }

    /** One Lua script: the stream's last event and its closed flag. */
    @Override
    public StoredEvent appendAndClose(String sessionId, String streamId, Direction direction, String message) {
        return appendWith(APPEND_AND_CLOSE, "append and close", sessionId, streamId, direction, message);
    }

    /** Pipelined on the shared connection: Redis runs the scripts in the order they were sent. */
    @Override
    public CompletableFuture<StoredEvent> appendAsync(String sessionId, String streamId, Direction direction,
            String message) {
        return appendAsyncWith(APPEND, "append event", sessionId, streamId, direction, message);
    }

    /** Pipelined like {@link #appendAsync}. */
    @Override
    public CompletableFuture<StoredEvent> appendAndCloseAsync(String sessionId, String streamId, Direction direction,
            String message) {
        return appendAsyncWith(APPEND_AND_CLOSE, "append and close", sessionId, streamId, direction, message);
    }

    private CompletableFuture<StoredEvent> appendAsyncWith(LuaScript script, String what, String sessionId,
            String streamId, Direction direction, String message) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(direction, "direction must not be null");
        Objects.requireNonNull(message, "message must not be null");
        long now = clock.millis();
        CompletableFuture<String> sent;
        try {
            sent = script.runAsync(connection, appendKeys(sessionId, streamId),
                    appendArgs(streamId, now, direction, message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new StoreException("Redis " + what + " failed: " + e.getMessage(), e));
        }
        return sent.handle((entryId, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw new StoreException("Redis " + what + " failed: " + cause.getMessage(), cause);
            }
            return new StoredEvent(sessionId, new EventId(streamId, entryId), direction, message,
                    Instant.ofEpochMilli(now));
        });
    }

    private String[] appendKeys(String sessionId, String streamId) {
        return new String[] {keys.sequence(sessionId), keys.events(sessionId, streamId),
            keys.eventStreams(sessionId), keys.streams(sessionId)};
    }

    private String[] appendArgs(String streamId, long now, Direction direction, String message, String... info) {
        String[] args = new String[6 + info.length];
        args[0] = ttl;
        args[1] = maxLen;
        args[2] = streamId;
        args[3] = Long.toString(now);
        args[4] = direction.name();
        args[5] = message;
        System.arraycopy(info, 0, args, 6, info.length);
        return args;
    }

    private StoredEvent appendWith(LuaScript script, String what, String sessionId, String streamId,
            Direction direction, String message, String... info) {
        Objects.requireNonNull(streamId, "streamId must not be null");
        Objects.requireNonNull(direction, "direction must not be null");
        Objects.requireNonNull(message, "message must not be null");
        long now = clock.millis();
        String[] scriptKeys = appendKeys(sessionId, streamId);
        String[] args = appendArgs(streamId, now, direction, message, info);
        String entryId = db.call(what, () -> script.run(connection, scriptKeys, args));
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
        List<StreamMessage<String, String>> entries = db.call("read events", () -> connection.sync()
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
        List<StreamMessage<String, String>> newest = db.call("read last entry id", () -> connection.sync()
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
        List<Object> found = db.call("check event position", () -> POSITION.run(connection,
                new String[] {keys.events(sessionId, streamId)}, StreamEntryId.format(position)));
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
            Set<String> streamIds = connection.sync().smembers(keys.eventStreams(sessionId));
            List<String> doomed = new ArrayList<>(List.of(keys.streams(sessionId), keys.eventStreams(sessionId)));
            streamIds.forEach(streamId -> doomed.add(keys.events(sessionId, streamId)));
            return connection.sync().del(doomed.toArray(String[]::new));
        });
    }

    /**
     * {@inheritDoc}
     *
     * @return how many events were removed
     */
    @Override
    public long trim(Instant olderThan) {
        String cutoff = Long.toString(Objects.requireNonNull(olderThan, "olderThan must not be null").toEpochMilli());
        long removed = db.call("trim events", () -> {
            long total = 0;
            for (long start = 0; ; start += TRIM_SESSIONS_PER_ROUND) {
                List<String> sessionIds = connection.sync().zrange(keys.sessionIndex(), start,
                        start + TRIM_SESSIONS_PER_ROUND - 1);
                if (sessionIds.isEmpty()) {
                    return total;
                }
                List<Set<String>> streams = db.awaitAll("trim events", sessionIds.stream()
                        .map(id -> connection.async().smembers(keys.eventStreams(id)).toCompletableFuture()).toList());
                List<CompletableFuture<Long>> trims = new ArrayList<>();
                for (int i = 0; i < sessionIds.size(); i++) {
                    for (String streamId : streams.get(i)) {
                        trims.add(TRIM.runAsync(connection, new String[] {keys.events(sessionIds.get(i), streamId)},
                                cutoff));
                    }
                }
                total += db.awaitAll("trim events", trims).stream().mapToLong(Long::longValue).sum();
            }
        });
        log.debug("trimmed events removed={} olderThan={}", removed, olderThan);
        return removed;
    }

    /** Does nothing: the shared {@link RedisDatabase} is closed by its owner. */
    @Override
    public void close() {
        // the connection is shared; its owner closes it
    }
}
