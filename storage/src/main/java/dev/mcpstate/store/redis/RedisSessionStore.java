package dev.mcpstate.store.redis;

import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.SessionStore;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * {@link SessionStore} on Redis: one hash per session ({@code <prefix>:{<sessionId>}:session}, fields
 * {@code status, protocol_version, client_info, client_capabilities, initialize_params, principal, node_id,
 * created_at, last_seen_at}; null fields are absent; times in epoch millis), plus two sharded indexes for
 * {@link #list()} and {@link #purge(Instant)}: the retention index, sorted sets {@code <prefix>:sessions:{<b>}}
 * (score = last-seen millis), and the terminal sets {@code <prefix>:sessions:{<b>}:terminal}, a session always in
 * bucket {@link RedisKeys#bucketOf(String)}. See {@link RedisKeys} for the whole layout.
 *
 * <p>Per-session writes are atomic Lua scripts on keys of one hash slot; the index buckets live in other slots and
 * are updated by single-key commands pipelined with the script (so on one Redis one round trip, on a cluster one
 * round trip to each of two masters at once), so the index can briefly lag the record. {@link #purge(Instant)}
 * therefore re-checks every candidate atomically before deleting it, and deletes all keys of a purged session, its
 * streams and events included. Scans read every bucket, and the single global keys of before the buckets
 * ({@link RedisKeys#legacySessionIndex()}), which only purges still change.
 *
 * <p>Thread-safe; every method throws {@link dev.mcpstate.store.StoreException} on a storage fault.
 * {@link #close()} does nothing: the connection belongs to the {@link RedisBackend}.
 */
final class RedisSessionStore implements SessionStore {

    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);

    private static final LuaScript SAVE = script("session_save.lua");
    private static final LuaScript TOUCH = script("session_touch.lua");
    private static final LuaScript UPDATE_LOGGING_LEVEL = script("session_logging_level.lua");
    private static final LuaScript UPDATE_STATUS = script("session_status.lua");
    private static final LuaScript PURGE = script("session_purge.lua");

    private static LuaScript script(String name) {
        return LuaScript.load(ScriptOutputType.INTEGER, "store/common.lua", "store/" + name);
    }

    private final RedisDatabase db;
    private final RedisKeys keys;

    /** @param db the shared Redis; not null */
    RedisSessionStore(RedisDatabase db) {
        this.db = Objects.requireNonNull(db, "db must not be null");
        this.keys = db.keys();
    }

    @Override
    public void save(SessionRecord s) {
        Objects.requireNonNull(s, "session must not be null");
        List<String> args = new ArrayList<>(List.of(Long.toString(db.cleanupTtlMillis()),
                "status", s.status().name(), "initialize_params", s.initializeParams(), "node_id", s.nodeId(),
                "created_at", Long.toString(s.createdAt().toEpochMilli()),
                "last_seen_at", Long.toString(s.lastSeenAt().toEpochMilli())));
        addIfPresent(args, "protocol_version", s.protocolVersion());
        addIfPresent(args, "client_info", s.clientInfo());
        addIfPresent(args, "client_capabilities", s.clientCapabilities());
        addIfPresent(args, "principal", s.principal());
        addIfPresent(args, "logging_level", s.loggingLevel());
        String id = s.sessionId();
        db.call("save session", () -> {
            RedisClusterAsyncCommands<String, String> async = db.async();
            List<CompletableFuture<Long>> writes = new ArrayList<>(List.of(
                    db.writeAsync("save session", SAVE, keys.sessionScoped(id, List.of()),
                            args.toArray(String[]::new)),
                    async.zadd(keys.sessionIndexOf(id), s.lastSeenAt().toEpochMilli(), id).toCompletableFuture()));
            if (s.status().isTerminal()) {
                writes.add(async.sadd(keys.terminalSessionsOf(id), id).toCompletableFuture());
            }
            return db.awaitAll("save session", writes);
        });
    }

    private static void addIfPresent(List<String> args, String field, String value) {
        if (value != null) {
            args.add(field);
            args.add(value);
        }
    }

    @Override
    public Optional<SessionRecord> find(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Map<String, String> h = db.call("find session", () -> db.sync().hgetall(keys.session(sessionId)));
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SessionRecord(sessionId, SessionStatus.valueOf(h.get("status")),
                h.get("protocol_version"), h.get("client_info"), h.get("client_capabilities"),
                h.get("initialize_params"), h.get("principal"), h.get("node_id"), millis(h.get("created_at")),
                millis(h.get("last_seen_at")), h.get("logging_level")));
    }

    @Override
    public void updateLoggingLevel(String sessionId, String level) {
        Objects.requireNonNull(level, "level must not be null");
        db.write("update logging level", UPDATE_LOGGING_LEVEL, new String[] {keys.session(sessionId)}, level);
    }

    private static Instant millis(String value) {
        return Instant.ofEpochMilli(Long.parseLong(value));
    }

    @Override
    public boolean updateStatus(String sessionId, SessionStatus status) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(status, "status must not be null");
        return db.call("update session status", () -> {
            long changed = db.<Long>write("update session status", UPDATE_STATUS,
                    new String[] {keys.session(sessionId)}, status.name());
            if (changed == 1 && status.isTerminal()) {
                db.sync().sadd(keys.terminalSessionsOf(sessionId), sessionId);
            }
            return changed == 1;
        });
    }

    @Override
    public void touch(String sessionId, Instant at) {
        db.call("touch session", () -> db.awaitAll("touch session", List.of(touchAsync(sessionId, at))));
    }

    /** Pipelined: the record's last-seen time (and the cleanup expiry of its keys), then the global index. */
    @Override
    public CompletableFuture<Void> touchAsync(String sessionId, Instant at) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(at, "at must not be null");
        long millis = at.toEpochMilli();
        CompletableFuture<Long> record = db.runAsync("touch session", TOUCH, keys.sessionScoped(sessionId, List.of()),
                Long.toString(db.cleanupTtlMillis()), Long.toString(millis));
        CompletableFuture<Long> index = db.send("touch session",
                () -> db.async().zadd(keys.sessionIndexOf(sessionId), ZAddArgs.Builder.xx(), millis, sessionId));
        return CompletableFuture.allOf(record, index);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Candidates come from every bucket of the retention index (last seen before the cutoff) and of the terminal
     * set, read in one pipelined pass; each is re-checked and deleted, with all its keys, by one atomic script; then
     * the buckets are cleaned up, one command per bucket. Commands are pipelined. Sessions whose record expired by
     * itself are purged (and reported) too.
     */
    @Override
    public List<String> purge(Instant idleBefore) {
        Objects.requireNonNull(idleBefore, "idleBefore must not be null");
        long cutoff = idleBefore.toEpochMilli();
        List<String> purged = db.call("purge sessions", () -> {
            RedisClusterAsyncCommands<String, String> async = db.async();
            List<String> terminalSets = keys.everyTerminalSet();
            List<String> indexes = keys.everySessionIndex();
            List<Set<String>> terminal = db.awaitAll("purge sessions", terminalSets.stream()
                    .map(set -> async.smembers(set).toCompletableFuture()).toList());
            List<List<String>> idle = db.awaitAll("purge sessions", indexes.stream()
                    .map(index -> async.zrangebyscore(index, Range.from(Range.Boundary.unbounded(),
                            Range.Boundary.excluding(cutoff))).toCompletableFuture()).toList());
            Set<String> candidates = new LinkedHashSet<>();
            idle.forEach(candidates::addAll);
            terminal.forEach(candidates::addAll);
            List<String> ids = new ArrayList<>(candidates);
            List<Set<String>> streams = db.awaitAll("purge sessions", ids.stream()
                    .map(id -> async.smembers(keys.eventStreams(id)).toCompletableFuture()).toList());
            List<CompletableFuture<Long>> deletions = new ArrayList<>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                deletions.add(db.runAsync("purge sessions", PURGE, keys.sessionScoped(ids.get(i), streams.get(i)),
                        Long.toString(cutoff)));
            }
            List<Long> deleted = db.awaitAll("purge sessions", deletions);
            List<String> done = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (deleted.get(i) == 1) {
                    done.add(ids.get(i));
                }
            }
            List<CompletableFuture<Long>> cleanups = new ArrayList<>();
            for (String index : indexes) {
                boolean legacy = index.equals(keys.legacySessionIndex());
                remove(index, done.stream().filter(id -> legacy || index.equals(keys.sessionIndexOf(id))).toList(),
                        async::zrem, cleanups);
            }
            for (int i = 0; i < terminalSets.size(); i++) {
                remove(terminalSets.get(i), terminal.get(i), async::srem, cleanups);
            }
            db.awaitAll("purge sessions", cleanups);
            return done;
        });
        if (!purged.isEmpty()) {
            log.debug("purged sessions count={} idleBefore={}", purged.size(), idleBefore);
        }
        return purged;
    }

    /** Sends one command removing {@code ids} from the key, unless there are none. */
    private static void remove(String key, Collection<String> ids,
            BiFunction<String, String[], RedisFuture<Long>> remove, List<CompletableFuture<Long>> sent) {
        if (!ids.isEmpty()) {
            sent.add(remove.apply(key, ids.toArray(String[]::new)).toCompletableFuture());
        }
    }

    /** @return the ids of every session in the retention index, least recently seen first */
    @Override
    public List<String> list() {
        return db.call("list sessions", () -> {
            List<List<ScoredValue<String>>> buckets = db.awaitAll("list sessions", keys.everySessionIndex().stream()
                    .map(index -> db.async().zrangeWithScores(index, 0, -1).toCompletableFuture()).toList());
            Map<String, Double> seen = new HashMap<>();
            buckets.forEach(bucket -> bucket.forEach(v -> seen.merge(v.getValue(), v.getScore(), Math::max)));
            return seen.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).toList();
        });
    }

}
