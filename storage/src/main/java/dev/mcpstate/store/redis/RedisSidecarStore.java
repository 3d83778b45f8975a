package dev.mcpstate.store.redis;

import dev.mcpstate.store.sidecar.HistoryEntry;
import dev.mcpstate.store.sidecar.HistoryOps;
import dev.mcpstate.store.sidecar.HistoryPage;
import dev.mcpstate.store.sidecar.KvEntry;
import dev.mcpstate.store.sidecar.LeaseOutcome;
import dev.mcpstate.store.sidecar.RunChange;
import dev.mcpstate.store.sidecar.SessionSnapshot;
import dev.mcpstate.store.sidecar.SetOutcome;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.sidecar.StoreStats;
import dev.mcpstate.store.sidecar.WorkflowProgress;
import dev.mcpstate.store.sidecar.WorkflowRun;
import dev.mcpstate.store.sidecar.WorkflowStatus;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.StoreException;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static dev.mcpstate.store.redis.RedisReplies.asLong;
import static dev.mcpstate.store.redis.RedisReplies.fields;
import static dev.mcpstate.store.redis.RedisReplies.flag;
import static dev.mcpstate.store.redis.RedisReplies.list;

/**
 * {@link SidecarStore} on Redis. Every key of a tenant lives under {@link RedisKeys#sidecarBase(String)}
 * ({@code <prefix>:sidecar:{sc}:} for the anonymous tenant, {@code <prefix>:sidecar:{sc:<tenant>}:} for a named
 * one); the hash tag keeps one tenant's keys in one slot so the scripts also run on Redis Cluster. Every operation
 * is one Lua script ({@code sidecar/common.lua} followed by the operation's file) on the view's key base, hence
 * atomic for all processes sharing the Redis and blind to other tenants. Expiry is decided by comparing with the
 * time this store's clock passes into the script, never by Redis time.
 *
 * <p>A named tenant's operations that create state also add the tenant to its bucket of the tenant registry,
 * {@link RedisKeys#sidecarTenantsOf(String)}, pipelined with the script (another slot, so a separate single-key
 * command), so that {@link #resetAll()}, which reads every bucket, finds every tenant. With
 * {@link dev.mcpstate.store.StorageConfig#waitReplicas()} every operation that writes waits for the replicas; reads
 * do not.
 *
 * <p>Thread-safe: the backend's one multiplexed connection is shared by all callers and views.
 */
final class RedisSidecarStore implements SidecarStore {

    private static final Logger log = LoggerFactory.getLogger(RedisSidecarStore.class);

    /** What a script does to the tenant's state. */
    private enum Effect {
        /** Only reads (expired entries it meets are left for a write to drop). */
        READS,
        /** Changes state that exists. */
        WRITES,
        /** May create state where the tenant had none: the tenant must be registered. */
        CREATES
    }

    /** One script per store operation; the file is {@code sidecar/<name>.lua}. */
    private enum Script {
        KV_SET(Effect.CREATES), KV_GET(Effect.READS), KV_DELETE(Effect.WRITES), KV_LIST(Effect.READS),
        STATS(Effect.READS), WF_CREATE(Effect.CREATES), WF_GET(Effect.READS), WF_ALL(Effect.READS),
        WF_CLAIM(Effect.WRITES), WF_CHECKPOINT(Effect.WRITES), WF_FINISH(Effect.WRITES),
        LEASE_ACQUIRE(Effect.CREATES), LEASE_RELEASE(Effect.WRITES), LEASE_RENEW(Effect.WRITES),
        SESSION_SAVE(Effect.CREATES), SESSION_GET(Effect.READS), HISTORY(Effect.READS), RESET(Effect.CREATES);

        private final LuaScript lua = LuaScript.load(ScriptOutputType.MULTI, "sidecar/common.lua",
                "sidecar/" + name().toLowerCase(Locale.ROOT) + ".lua");
        private final Effect effect;

        Script(Effect effect) {
            this.effect = effect;
        }
    }

    private final RedisDatabase db;
    private final Clock clock;
    /** The tenant of this view; null for the anonymous tenant. */
    private final String tenant;
    private final String[] keyBase;

    /** The anonymous tenant's view. */
    RedisSidecarStore(RedisDatabase db, Clock clock) {
        this(Objects.requireNonNull(db, "db must not be null"), Objects.requireNonNull(clock, "clock must not be null"),
                null);
        log.debug("sidecar store opened backend=redis keys={}*", keyBase[0]);
    }

    private RedisSidecarStore(RedisDatabase db, Clock clock, String tenant) {
        this.db = db;
        this.clock = clock;
        this.tenant = tenant;
        this.keyBase = new String[] {db.keys().sidecarBase(tenant)};
    }

    /** Runs one operation's script; its array reply holds strings, longs, nested lists and nulls. */
    private List<Object> run(Script script, String... args) {
        String what = "sidecar " + script.lua.name();
        if (script.effect == Effect.READS) {
            return db.run(what, script.lua, keyBase, args);
        }
        if (tenant == null || script.effect == Effect.WRITES) {
            return db.write(what, script.lua, keyBase, args);
        }
        // sent first, so its reply is in (on the same connection) or under way (on another master) before the
        // script's; a failure fails the call
        CompletableFuture<Long> registered = db.send(what,
                () -> db.async().sadd(db.keys().sidecarTenantsOf(tenant), tenant));
        List<Object> reply = db.write(what, script.lua, keyBase, args);
        db.awaitAll(what, List.of(registered));
        return reply;
    }

    @Override
    public String backend() {
        return "redis";
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public SidecarStore forTenant(String tenant) {
        if (tenant != null && tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant must be null (anonymous) or non-empty");
        }
        return Objects.equals(tenant, this.tenant) ? this : new RedisSidecarStore(db, clock, tenant);
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
        List<Object> reply = run(Script.KV_SET, key, valueJson, expiry(now, ttl), orEmpty(agentId),
                orEmpty(expectedVersion), Long.toString(now));
        return new SetOutcome(flag(reply), asLong(reply.get(1)));
    }

    @Override
    public Optional<KvEntry> get(String key) {
        List<Object> reply = run(Script.KV_GET, key, now());
        if (reply.isEmpty()) {
            return Optional.empty();
        }
        Object expiresAt = reply.size() > 2 ? reply.get(2) : null;
        return Optional.of(new KvEntry(key, (String) reply.get(0), asLong(reply.get(1)),
                RedisReplies.instant(expiresAt)));
    }

    @Override
    public boolean delete(String key, String agentId) {
        return flag(run(Script.KV_DELETE, key, orEmpty(agentId), now()));
    }

    @Override
    public List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        for (Object key : run(Script.KV_LIST, prefix, now())) {
            keys.add((String) key);
        }
        return keys;
    }

    // ---------------------------------------------------------------- workflows

    @Override
    public Optional<WorkflowRun> createWorkflow(String runId, String name, Map<String, String> tags) {
        List<Object> reply = run(Script.WF_CREATE, runId, name, Json.tagsToJson(tags), now());
        return reply.isEmpty() ? Optional.empty() : Optional.of(RedisReplies.run(fields(reply, 0)));
    }

    @Override
    public List<WorkflowRun> workflows() {
        List<WorkflowRun> runs = new ArrayList<>();
        for (Object run : run(Script.WF_ALL)) {
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
        return RedisReplies.runChange(run(Script.WF_CLAIM, runId, agentId, ttl,
                expiry(now, leaseTtl), Long.toString(now)));
    }

    @Override
    public RunChange checkpoint(String runId, int step, String outputJson, String agentId) {
        return RedisReplies.runChange(run(Script.WF_CHECKPOINT, runId, Integer.toString(step),
                outputJson, orEmpty(agentId), now()));
    }

    @Override
    public RunChange finish(String runId, String agentId, WorkflowStatus outcome, String resultJson, String error) {
        String op = outcome == WorkflowStatus.COMPLETED ? HistoryOps.WORKFLOW_COMPLETE : HistoryOps.WORKFLOW_FAIL;
        return RedisReplies.runChange(run(Script.WF_FINISH, runId, agentId, outcome.wireName(),
                op, orEmpty(resultJson), orEmpty(error), now()));
    }

    @Override
    public Optional<WorkflowProgress> progress(String runId) {
        List<Object> reply = run(Script.WF_GET, runId);
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
                leaseScript(Script.LEASE_ACQUIRE, resourceId, holderId, ttl));
    }

    private List<Object> leaseScript(Script script, String resourceId, String holderId, Duration ttl) {
        long now = clock.millis();
        return run(script, resourceId, holderId, expiry(now, ttl), Long.toString(now));
    }

    @Override
    public boolean releaseLease(String resourceId, String holderId) {
        return flag(run(Script.LEASE_RELEASE, resourceId, holderId, now()));
    }

    @Override
    public LeaseOutcome renewLease(String resourceId, String holderId, Duration ttl) {
        return RedisReplies.leaseOutcome(resourceId,
                leaseScript(Script.LEASE_RENEW, resourceId, holderId, ttl));
    }

    // ---------------------------------------------------------------- sessions and history

    @Override
    public SessionSnapshot saveSession(String sessionId, String contextJson) {
        List<Object> reply = run(Script.SESSION_SAVE, sessionId, contextJson, now());
        return new SessionSnapshot(sessionId, contextJson, RedisReplies.instant(reply.get(0)));
    }

    @Override
    public Optional<SessionSnapshot> restoreSession(String sessionId) {
        List<Object> reply = run(Script.SESSION_GET, sessionId);
        return reply.isEmpty() ? Optional.empty()
                : Optional.of(new SessionSnapshot(sessionId, (String) reply.get(0), RedisReplies.instant(reply.get(1))));
    }

    @Override
    public HistoryPage history(String key, int limit) {
        List<Object> reply = run(Script.HISTORY, orEmpty(key), Integer.toString(limit));
        List<HistoryEntry> entries = new ArrayList<>();
        for (int i = 1; i < reply.size(); i++) {
            entries.add(RedisReplies.historyEntry(fields(list(reply.get(i)), 0)));
        }
        return new HistoryPage(entries, asLong(reply.get(0)));
    }

    // ---------------------------------------------------------------- observability

    @Override
    public StoreStats stats() {
        List<Object> reply = run(Script.STATS, now());
        return new StoreStats(asLong(reply.get(0)), asLong(reply.get(1)));
    }

    @Override
    public long reset() {
        return asLong(run(Script.RESET, now(), "always").get(0));
    }

    @Override
    public long resetAll() {
        List<Set<String>> buckets = db.call("sidecar tenants", () -> db.awaitAll("sidecar tenants",
                db.keys().everyTenantRegistry().stream()
                        .map(bucket -> db.async().smembers(bucket).toCompletableFuture()).toList()));
        Set<String> tenants = new TreeSet<>();
        buckets.forEach(tenants::addAll);
        List<String> others = new ArrayList<>(tenants);
        others.add(null);
        others.remove(tenant);
        long cleared = 0;
        for (String other : others) {
            RedisSidecarStore view = new RedisSidecarStore(db, clock, other);
            cleared += asLong(view.run(Script.RESET, now(), "if-cleared").get(0));
        }
        return cleared + asLong(run(Script.RESET, now(), "always").get(0));
    }

    @Override
    public String toString() {
        return "RedisSidecarStore[" + keyBase[0] + "]";
    }
}
