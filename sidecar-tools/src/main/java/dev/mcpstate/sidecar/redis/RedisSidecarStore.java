package dev.mcpstate.sidecar.redis;

import dev.mcpstate.sidecar.HistoryEntry;
import dev.mcpstate.sidecar.HistoryOps;
import dev.mcpstate.sidecar.HistoryPage;
import dev.mcpstate.sidecar.KvEntry;
import dev.mcpstate.sidecar.LeaseOutcome;
import dev.mcpstate.sidecar.RunChange;
import dev.mcpstate.sidecar.SessionSnapshot;
import dev.mcpstate.sidecar.SetOutcome;
import dev.mcpstate.sidecar.SidecarStore;
import dev.mcpstate.sidecar.StoreStats;
import dev.mcpstate.sidecar.WorkflowProgress;
import dev.mcpstate.sidecar.WorkflowRun;
import dev.mcpstate.sidecar.WorkflowStatus;
import dev.mcpstate.sidecar.internal.Json;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.redis.RedisDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static dev.mcpstate.sidecar.redis.RedisReplies.asLong;
import static dev.mcpstate.sidecar.redis.RedisReplies.fields;
import static dev.mcpstate.sidecar.redis.RedisReplies.flag;
import static dev.mcpstate.sidecar.redis.RedisReplies.list;

/**
 * {@link SidecarStore} on Redis. Every key lives under {@code <prefix>:sidecar:{sc}:} (prefix from
 * {@link StorageConfig#redisKeyPrefix()}); the {@code {sc}} hash tag keeps them in one slot so the scripts also
 * run on Redis Cluster. Every operation is one Lua script, hence atomic for all processes sharing the Redis.
 * Expiry is decided by comparing with the time this store's clock passes into the script, never by Redis time.
 *
 * <p>Thread-safe: one multiplexed connection (the interceptor's {@link RedisDatabase}) shared by all callers.
 */
public final class RedisSidecarStore implements SidecarStore {

    private static final Logger log = LoggerFactory.getLogger(RedisSidecarStore.class);

    private final RedisDatabase db;
    private final RedisScripts scripts;
    private final Clock clock;
    private final boolean ownsDatabase;

    private RedisSidecarStore(RedisDatabase db, Clock clock, boolean ownsDatabase) {
        this.db = db;
        this.clock = clock;
        this.ownsDatabase = ownsDatabase;
        String keyBase = db.keys().prefix() + ":sidecar:{sc}:";
        this.scripts = new RedisScripts(db, keyBase);
        log.debug("sidecar store opened backend=redis keys={}*", keyBase);
    }

    /**
     * A store on a connection the caller has open (e.g. {@code Storage.redisDatabase()} of the session interceptor), which
     * {@link #close()} leaves open.
     *
     * @param db the shared connection; not null
     * @param clock the time source; not null
     * @return the store
     * @throws StoreException when the sidecar's schema or scripts cannot be prepared
     */
    public static RedisSidecarStore on(RedisDatabase db, Clock clock) {
        return new RedisSidecarStore(Objects.requireNonNull(db, "db must not be null"),
                Objects.requireNonNull(clock, "clock must not be null"), false);
    }

    /**
     * Like {@link #on}, but the store owns the connection: {@link #close()} closes it.
     *
     * @param db the connection to take over; not null
     * @param clock the time source; not null
     * @return the store
     * @throws StoreException when the sidecar's schema or scripts cannot be prepared (the connection stays open)
     */
    public static RedisSidecarStore owning(RedisDatabase db, Clock clock) {
        return new RedisSidecarStore(Objects.requireNonNull(db, "db must not be null"),
                Objects.requireNonNull(clock, "clock must not be null"), true);
    }

    @Override
    public String backend() {
        return "redis";
    }

    @Override
    public Clock clock() {
        return clock;
    }

    private String now() {
        return Long.toString(clock.millis());
    }

    /** @return {@code now + ttl} in epoch millis, {@code ""} for no ttl */
    private static String expiry(long now, Duration ttl) {
        return ttl == null ? "" : Long.toString(now + ttl.toMillis());
    }

    private static String orEmpty(Object value) {
        return value == null ? "" : value.toString();
    }

    // ---------------------------------------------------------------- key-value

    @Override
    public SetOutcome put(String key, String valueJson, Duration ttl, String agentId, Long expectedVersion) {
        long now = clock.millis();
        List<Object> reply = scripts.run(RedisScripts.Script.KV_SET, key, valueJson, expiry(now, ttl), orEmpty(agentId),
                orEmpty(expectedVersion), Long.toString(now));
        return new SetOutcome(flag(reply), asLong(reply.get(1)));
    }

    @Override
    public Optional<KvEntry> get(String key) {
        List<Object> reply = scripts.run(RedisScripts.Script.KV_GET, key, now());
        if (reply.isEmpty()) {
            return Optional.empty();
        }
        Object expiresAt = reply.size() > 2 ? reply.get(2) : null;
        return Optional.of(new KvEntry(key, (String) reply.get(0), asLong(reply.get(1)),
                RedisReplies.instant(expiresAt)));
    }

    @Override
    public boolean delete(String key, String agentId) {
        return flag(scripts.run(RedisScripts.Script.KV_DELETE, key, orEmpty(agentId), now()));
    }

    @Override
    public List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        for (Object key : scripts.run(RedisScripts.Script.KV_LIST, prefix, now())) {
            keys.add((String) key);
        }
        return keys;
    }

    // ---------------------------------------------------------------- workflows

    @Override
    public Optional<WorkflowRun> createWorkflow(String runId, String name, Map<String, String> tags) {
        List<Object> reply = scripts.run(RedisScripts.Script.WF_CREATE, runId, name, Json.tagsToJson(tags), now());
        return reply.isEmpty() ? Optional.empty() : Optional.of(RedisReplies.run(fields(reply, 0)));
    }

    @Override
    public List<WorkflowRun> workflows() {
        List<WorkflowRun> runs = new ArrayList<>();
        for (Object run : scripts.run(RedisScripts.Script.WF_ALL)) {
            List<Object> flat = list(run);
            if (!flat.isEmpty()) {
                runs.add(RedisReplies.run(fields(flat, 0)));
            }
        }
        return runs;
    }

    @Override
    public Optional<WorkflowRun> workflow(String runId) {
        return progress(runId).map(WorkflowProgress::run);
    }

    @Override
    public RunChange claim(String runId, String agentId, Duration leaseTtl) {
        long now = clock.millis();
        String ttl = leaseTtl == null ? "" : Long.toString(leaseTtl.toMillis());
        return RedisReplies.runChange(scripts.run(RedisScripts.Script.WF_CLAIM, runId, agentId, ttl,
                expiry(now, leaseTtl), Long.toString(now)));
    }

    @Override
    public RunChange checkpoint(String runId, int step, String outputJson, String agentId) {
        return RedisReplies.runChange(scripts.run(RedisScripts.Script.WF_CHECKPOINT, runId, Integer.toString(step),
                outputJson, orEmpty(agentId), now()));
    }

    @Override
    public RunChange finish(String runId, String agentId, WorkflowStatus outcome, String resultJson, String error) {
        String op = outcome == WorkflowStatus.COMPLETED ? HistoryOps.WORKFLOW_COMPLETE : HistoryOps.WORKFLOW_FAIL;
        return RedisReplies.runChange(scripts.run(RedisScripts.Script.WF_FINISH, runId, agentId, outcome.wireName(),
                op, orEmpty(resultJson), orEmpty(error), now()));
    }

    @Override
    public Optional<WorkflowProgress> progress(String runId) {
        List<Object> reply = scripts.run(RedisScripts.Script.WF_GET, runId);
        List<Object> run = list(reply.get(0));
        if (run.isEmpty()) {
            return Optional.empty();
        }
        Map<Integer, String> outputs = new HashMap<>();
        fields(list(reply.get(1)), 0).forEach((step, output) -> outputs.put(Integer.valueOf(step), output));
        return Optional.of(new WorkflowProgress(RedisReplies.run(fields(run, 0)), outputs));
    }

    // ---------------------------------------------------------------- leases

    @Override
    public LeaseOutcome acquireLease(String resourceId, String holderId, Duration ttl) {
        return RedisReplies.leaseOutcome(resourceId,
                leaseScript(RedisScripts.Script.LEASE_ACQUIRE, resourceId, holderId, ttl));
    }

    private List<Object> leaseScript(RedisScripts.Script script, String resourceId, String holderId, Duration ttl) {
        long now = clock.millis();
        return scripts.run(script, resourceId, holderId, expiry(now, ttl), Long.toString(now));
    }

    @Override
    public boolean releaseLease(String resourceId, String holderId) {
        return flag(scripts.run(RedisScripts.Script.LEASE_RELEASE, resourceId, holderId, now()));
    }

    @Override
    public LeaseOutcome renewLease(String resourceId, String holderId, Duration ttl) {
        return RedisReplies.leaseOutcome(resourceId,
                leaseScript(RedisScripts.Script.LEASE_RENEW, resourceId, holderId, ttl));
    }

    // ---------------------------------------------------------------- sessions and history

    @Override
    public SessionSnapshot saveSession(String sessionId, String contextJson) {
        List<Object> reply = scripts.run(RedisScripts.Script.SESSION_SAVE, sessionId, contextJson, now());
        return new SessionSnapshot(sessionId, contextJson, RedisReplies.instant(reply.get(0)));
    }

    @Override
    public Optional<SessionSnapshot> restoreSession(String sessionId) {
        List<Object> reply = scripts.run(RedisScripts.Script.SESSION_GET, sessionId);
        return reply.isEmpty() ? Optional.empty()
                : Optional.of(new SessionSnapshot(sessionId, (String) reply.get(0), RedisReplies.instant(reply.get(1))));
    }

    @Override
    public HistoryPage history(String key, int limit) {
        List<Object> reply = scripts.run(RedisScripts.Script.HISTORY, orEmpty(key), Integer.toString(limit));
        List<HistoryEntry> entries = new ArrayList<>();
        for (int i = 1; i < reply.size(); i++) {
            entries.add(RedisReplies.historyEntry(fields(list(reply.get(i)), 0)));
        }
        return new HistoryPage(entries, asLong(reply.get(0)));
    }

    // ---------------------------------------------------------------- observability

    @Override
    public StoreStats stats() {
        List<Object> reply = scripts.run(RedisScripts.Script.STATS, now());
        return new StoreStats(asLong(reply.get(0)), asLong(reply.get(1)));
    }

    @Override
    public long reset() {
        return asLong(scripts.run(RedisScripts.Script.RESET, now()).get(0));
    }

    /** Closes the connection when this store opened it; a shared connection stays open. Idempotent. */
    @Override
    public void close() {
        if (ownsDatabase) {
            db.close();
        }
    }

    @Override
    public String toString() {
        return "RedisSidecarStore[" + scripts.keyBase() + "]";
    }
}
