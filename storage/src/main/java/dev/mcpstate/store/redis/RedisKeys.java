package dev.mcpstate.store.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Every Redis key and pub/sub channel mcp-state uses, in one place. The layout is the same on one Redis and on Redis
 * Cluster, and every Lua script and every transaction touches keys of one hash slot:
 * <ul>
 *   <li>all keys of one session carry the hash tag {@code {<sessionId>}}, so they share one slot and each script on
 *       one session runs on the master of that slot;</li>
 *   <li>the keys of the sidecar's anonymous tenant carry the tag {@code {sc}}, those of a named tenant
 *       {@code {sc:<tenant>}} (one slot per tenant);</li>
 *   <li>what used to be global — the retention index, the set of terminal sessions, the sidecar's tenant registry —
 *       is sharded into {@value #INDEX_BUCKETS} bucket keys tagged {@code {0}} ... {@code {15}}: an id always lands in
 *       bucket {@link #bucketOf(String)}, every write to a bucket is a single-key command, and whoever needs the
 *       whole index reads the buckets one by one (pipelined). The buckets' slots fall on every master of a 3-master
 *       cluster, so no master carries all index traffic;</li>
 *   <li>a node's heartbeat is a key of its own, a single-key {@code SET}/{@code EXISTS}; a token bucket is one key.</li>
 * </ul>
 *
 * <pre>
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:session              hash: the session record (times in epoch millis)
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:streams              hash: streamId -&gt; "KIND|closed|openedAtMillis|owner", and
 *                                         streamId#n -&gt; events appended to it (for appendAfter)
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:event-streams        set: ids of the streams that have an events key
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:stream-ages          sorted set: those stream ids scored by the epoch millis of their
 *                                         oldest event (inf while empty), so retention visits only old streams
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:closed-streams       sorted set: closed stream ids scored by the epoch millis they
 *                                         closed at, so retention removes them whole after closedStreamMaxAge
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:seq                  string: session-wide counter behind entry ids
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:events:&lt;streamId&gt;    stream: one entry per event, fields dir, msg, t
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:wake                 shard channel: the stream id of every append (same slot)
 * &lt;prefix&gt;:sessions:{&lt;b&gt;}                    sorted set, bucket b of 16: sessionId scored by last-seen millis
 * &lt;prefix&gt;:sessions:{&lt;b&gt;}:terminal           set, bucket b of 16: ids of sessions that reached a terminal status
 * &lt;prefix&gt;:node:&lt;owner&gt;:alive               string with expiry: a node instance's heartbeat
 * &lt;prefix&gt;:turn:&lt;task&gt;                    string with expiry: the owner whose turn it is at a store-wide task
 * &lt;prefix&gt;:node:&lt;owner&gt;:responses           shard channel (Redis 7; a channel before): client responses routed
 *                                         to that node instance
 * &lt;prefix&gt;:sessions:ended                  channel (broadcast): ids of sessions that ended on some node
 * &lt;prefix&gt;:sessions:changed                channel (broadcast): ids of sessions whose record changed
 * &lt;prefix&gt;:ratelimit:&lt;key&gt;               hash with expiry: one token bucket, fields tokens, at (millis)
 * &lt;prefix&gt;:requeststate:&lt;id&gt;             string with expiry: a consumed single-use requestState
 * &lt;prefix&gt;:requeststate-key                 string: the requestState key every node shares when configured none
 * &lt;prefix&gt;:changes                        channel: server changes (list changed, resource updated) for every node
 * &lt;prefix&gt;:sidecar:{sc}:...                 the state-sidecar tools' keys of the anonymous tenant, built by
 *                                         the sidecar scripts from {@link #sidecarBase()} (see
 *                                         {@code sidecar/common.lua})
 * &lt;prefix&gt;:sidecar:{sc:&lt;tenant&gt;}:...        the same keys of a named tenant, from
 *                                         {@link #sidecarBase(String)}
 * &lt;prefix&gt;:sidecar:tenants:{&lt;b&gt;}            set, bucket b of 16: the names of the tenants that ever wrote, for
 *                                         a reset of every tenant
 * </pre>
 *
 * Before the buckets, the retention index, the terminal set and the tenant registry were the single keys
 * {@code <prefix>:sessions}, {@code <prefix>:sessions:terminal} and {@code <prefix>:sidecar:tenants}
 * ({@link #legacySessionIndex()} and its siblings): nothing writes them any more, but they are still read, and
 * drained by retention, so data written before stays found. Immutable and thread-safe.
 */
public final class RedisKeys {

    /** How many bucket keys each sharded index has. Part of the layout: changing it would lose track of entries. */
    public static final int INDEX_BUCKETS = 16;

    private final String prefix;

    /** @param prefix the key prefix, without separator (see {@code StorageConfig#redisKeyPrefix()}); not null */
    public RedisKeys(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix must not be null");
    }

    /** @return the prefix of every key */
    public String prefix() {
        return prefix;
    }

    private String sessionKey(String sessionId, String suffix) {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        if (sessionId.isEmpty() || sessionId.indexOf('{') >= 0 || sessionId.indexOf('}') >= 0) {
            throw new IllegalArgumentException("sessionId must be non-empty without '{' or '}', was: '"
                    + sessionId + "'");
        }
        return prefix + ":{" + sessionId + "}:" + suffix;
    }

    /** @return the hash holding the session record */
    public String session(String sessionId) {
        return sessionKey(sessionId, "session");
    }

    /** @return the hash of stream information, by stream id */
    public String streams(String sessionId) {
        return sessionKey(sessionId, "streams");
    }

    /** @return the set of stream ids that have an events key */
    public String eventStreams(String sessionId) {
        return sessionKey(sessionId, "event-streams");
    }

    /**
     * @return the sorted set of the ids of {@link #eventStreams}, each scored by the epoch millis of the stream's
     *         oldest event ({@code inf} while it has none): what retention reads to find the streams it must trim
     */
    public String streamAges(String sessionId) {
        return sessionKey(sessionId, "stream-ages");
    }

    /**
     * @return the sorted set of the ids of closed streams, each scored by the epoch millis it closed at: what
     *         retention reads to find the streams closed longer than
     *         {@link dev.mcpstate.store.StorageConfig#closedStreamMaxAge()} ago
     */
    public String closedStreams(String sessionId) {
        return sessionKey(sessionId, "closed-streams");
    }

    /** @return the counter behind the session's entry ids */
    public String sequence(String sessionId) {
        return sessionKey(sessionId, "seq");
    }

    /** @return the Redis Stream holding the events of one stream */
    public String events(String sessionId, String streamId) {
        return sessionKey(sessionId, "events:" + streamId);
    }

    /**
     * @return the pub/sub channel on which every append to one of the session's streams publishes the stream id
     *         (sharded pub/sub where the server has it; same hash slot as the session's keys)
     */
    public String wake(String sessionId) {
        return sessionKey(sessionId, "wake");
    }

    /**
     * @return the session-level keys of a session (session, streams, event-streams, seq, stream-ages,
     *         closed-streams) followed by
     *         the events keys of the given streams
     */
    String[] sessionScoped(String sessionId, Collection<String> streamIds) {
        List<String> all = new ArrayList<>(6 + streamIds.size());
        all.addAll(List.of(session(sessionId), streams(sessionId), eventStreams(sessionId), sequence(sessionId),
                streamAges(sessionId), closedStreams(sessionId)));
        streamIds.forEach(streamId -> all.add(events(sessionId, streamId)));
        return all.toArray(String[]::new);
    }

    /**
     * @param id a session id or a tenant name; not null
     * @return the bucket of the sharded indexes that holds it: {@code 0 <= b <} {@value #INDEX_BUCKETS}, the same in
     *     every process ({@link String#hashCode()} is specified)
     */
    public static int bucketOf(String id) {
        return Math.floorMod(Objects.requireNonNull(id, "id must not be null").hashCode(), INDEX_BUCKETS);
    }

    private static void checkBucket(int bucket) {
        if (bucket < 0 || bucket >= INDEX_BUCKETS) {
            throw new IllegalArgumentException("bucket must be 0.." + (INDEX_BUCKETS - 1) + ", was: " + bucket);
        }
    }

    /**
     * @param bucket {@code 0..}{@value #INDEX_BUCKETS}{@code -1}
     * @return bucket {@code bucket} of the retention index: a sorted set of session ids scored by last-seen epoch
     *     millis, {@code <prefix>:sessions:{<bucket>}}
     */
    public String sessionIndex(int bucket) {
        checkBucket(bucket);
        return prefix + ":sessions:{" + bucket + "}";
    }

    /** @return the bucket of the retention index that holds this session ({@link #bucketOf(String)}) */
    public String sessionIndexOf(String sessionId) {
        return sessionIndex(bucketOf(sessionId));
    }

    /**
     * @param bucket {@code 0..}{@value #INDEX_BUCKETS}{@code -1}
     * @return bucket {@code bucket} of the set of ids of sessions that reached a terminal status, awaiting purge;
     *     same hash slot as {@link #sessionIndex(int) sessionIndex(bucket)}
     */
    public String terminalSessions(int bucket) {
        return sessionIndex(bucket) + ":terminal";
    }

    /** @return the bucket of the terminal set that holds this session */
    public String terminalSessionsOf(String sessionId) {
        return terminalSessions(bucketOf(sessionId));
    }

    /**
     * @return every bucket of the retention index, then {@link #legacySessionIndex()}: what a full scan reads, one
     *     key at a time
     */
    public List<String> everySessionIndex() {
        return everyBucket(this::sessionIndex, legacySessionIndex());
    }

    /** @return every bucket of the terminal set, then {@link #legacyTerminalSessions()} */
    public List<String> everyTerminalSet() {
        return everyBucket(this::terminalSessions, legacyTerminalSessions());
    }

    /** @return every bucket of the tenant registry, then {@link #legacySidecarTenants()} */
    public List<String> everyTenantRegistry() {
        return everyBucket(this::sidecarTenants, legacySidecarTenants());
    }

    private static List<String> everyBucket(IntFunction<String> bucket, String legacy) {
        List<String> all = new ArrayList<>(INDEX_BUCKETS + 1);
        for (int b = 0; b < INDEX_BUCKETS; b++) {
            all.add(bucket.apply(b));
        }
        all.add(legacy);
        return all;
    }

    /** @return the single global retention index of before the buckets: read and drained, never written */
    public String legacySessionIndex() {
        return prefix + ":sessions";
    }

    /** @return the single global terminal set of before the buckets: read and drained, never written */
    public String legacyTerminalSessions() {
        return prefix + ":sessions:terminal";
    }

    /** @return the heartbeat key of a node instance */
    public String nodeAlive(String owner) {
        return prefix + ":node:" + owner + ":alive";
    }

    /** @return the key naming the node instance whose turn it is at a store-wide task ({@code SET} with expiry) */
    public String turn(String task) {
        return prefix + ":turn:" + task;
    }

    /** @return the pub/sub channel of the client responses routed to a node instance */
    public String nodeResponses(String owner) {
        return prefix + ":node:" + owner + ":responses";
    }

    /** @return the pub/sub channel on which nodes announce sessions that ended */
    public String sessionsEnded() {
        return prefix + ":sessions:ended";
    }

    /** @return the pub/sub channel on which nodes announce sessions whose stored record changed */
    public String sessionsChanged() {
        return prefix + ":sessions:changed";
    }

    /** @return the pub/sub channel on which nodes announce server changes for {@code subscriptions/listen} */
    public String serverChanges() {
        return prefix + ":changes";
    }

    /**
     * @param id the ledger id of a single-use {@code requestState}; not null
     * @return the key that records its use
     */
    public String requestState(String id) {
        return prefix + ":requeststate:" + Objects.requireNonNull(id, "id must not be null");
    }

    /** @return the key of {@link dev.mcpstate.store.RequestStateLedger#sharedKey()} */
    public String requestStateKey() {
        return prefix + ":requeststate-key";
    }

    /**
     * @param key the bucket's name, e.g. {@code principal:alice}; not null
     * @return the hash of one token bucket of rate limiting
     */
    public String rateLimit(String key) {
        return prefix + ":ratelimit:" + Objects.requireNonNull(key, "key must not be null");
    }

    /**
     * @return the base of every sidecar key of the anonymous tenant, passed to the sidecar scripts as
     *     {@code KEYS[1]}
     */
    public String sidecarBase() {
        return prefix + ":sidecar:{sc}:";
    }

    /**
     * The base of every sidecar key of a tenant: {@code <prefix>:sidecar:{sc:<tenant>}:}, where the tenant name has
     * {@code %}, {@code :}, <code>{</code> and <code>}</code> percent-encoded ({@code %25}, {@code %3A}, {@code %7B},
     * {@code %7D}), so each tenant's keys share
     * one hash slot of their own and no two tenants' keys can ever be equal.
     *
     * @param tenant the tenant; null for the anonymous tenant ({@link #sidecarBase()}); otherwise non-empty
     * @return the key base
     * @throws IllegalArgumentException when {@code tenant} is empty
     */
    public String sidecarBase(String tenant) {
        if (tenant == null) {
            return sidecarBase();
        }
        if (tenant.isEmpty()) {
            throw new IllegalArgumentException("tenant must be null (anonymous) or non-empty");
        }
        StringBuilder base = new StringBuilder(prefix).append(":sidecar:{sc:");
        for (int i = 0; i < tenant.length(); i++) {
            char c = tenant.charAt(i);
            switch (c) {
                case '%' -> base.append("%25");
                case ':' -> base.append("%3A");
                case '{' -> base.append("%7B");
                case '}' -> base.append("%7D");
                default -> base.append(c);
            }
        }
        return base.append("}:").toString();
    }

    /**
     * @param bucket {@code 0..}{@value #INDEX_BUCKETS}{@code -1}
     * @return bucket {@code bucket} of the set of the names of the sidecar tenants that ever created state (the
     *     anonymous tenant is not in it), {@code <prefix>:sidecar:tenants:{<bucket>}}
     */
    public String sidecarTenants(int bucket) {
        checkBucket(bucket);
        return prefix + ":sidecar:tenants:{" + bucket + "}";
    }

    /** @return the bucket of the tenant registry that holds this tenant ({@link #bucketOf(String)}) */
    public String sidecarTenantsOf(String tenant) {
        return sidecarTenants(bucketOf(tenant));
    }

    /** @return the single global tenant registry of before the buckets: read, never written */
    public String legacySidecarTenants() {
        return prefix + ":sidecar:tenants";
    }
}
