package dev.mcpstate.store.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Every Redis key and pub/sub channel mcp-state uses, in one place. All keys of one session carry the hash tag
 * {@code {<sessionId>}}, so they share one hash slot and each Lua script on one session runs unchanged on Redis
 * Cluster; the keys of the sidecar's anonymous tenant carry the tag {@code {sc}}, those of a named tenant
 * {@code {sc:<tenant>}} (one slot per tenant).
 *
 * <pre>
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:session              hash: the session record (times in epoch millis)
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:streams              hash: streamId -&gt; "KIND|closed|openedAtMillis|owner"
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:event-streams        set: ids of the streams that have an events key
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:seq                  string: session-wide counter behind entry ids
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:events:&lt;streamId&gt;    stream: one entry per event, fields dir, msg, t
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:wake                 channel (sharded): the stream id of every append
 * &lt;prefix&gt;:sessions                        sorted set: sessionId scored by last-seen millis (global)
 * &lt;prefix&gt;:sessions:terminal               set: ids of sessions that reached a terminal status (global)
 * &lt;prefix&gt;:node:&lt;owner&gt;:alive               string with expiry: a node instance's heartbeat
 * &lt;prefix&gt;:node:&lt;owner&gt;:responses           channel: client responses routed to that node instance
 * &lt;prefix&gt;:sessions:ended                  channel: ids of sessions that ended on some node
 * &lt;prefix&gt;:sessions:changed                channel: ids of sessions whose record changed on some node
 * &lt;prefix&gt;:ratelimit:&lt;key&gt;               hash with expiry: one token bucket, fields tokens, at (millis)
 * &lt;prefix&gt;:requeststate:&lt;id&gt;             string with expiry: a consumed single-use requestState
 * &lt;prefix&gt;:changes                        channel: server changes (list changed, resource updated) for every node
 * &lt;prefix&gt;:sidecar:{sc}:...                 the state-sidecar tools' keys of the anonymous tenant, built by
 *                                         the sidecar scripts from {@link #sidecarBase()} (see
 *                                         {@code sidecar/common.lua})
 * &lt;prefix&gt;:sidecar:{sc:&lt;tenant&gt;}:...        the same keys of a named tenant, from
 *                                         {@link #sidecarBase(String)}
 * &lt;prefix&gt;:sidecar:tenants                 set: the names of the tenants that ever wrote (global), for a
 *                                         reset of every tenant
 * </pre>
 *
 * A token bucket is one key, hence one hash slot, whatever its name holds. The global keys live in other slots
 * than the session keys; commands on them are always sent separately from
 * the per-session ones. Immutable and thread-safe.
 */
public final class RedisKeys {

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
     * @return the session-level keys of a session (session, streams, event-streams, seq) followed by the events
     *         keys of the given streams
     */
    String[] sessionScoped(String sessionId, Collection<String> streamIds) {
        List<String> all = new ArrayList<>(4 + streamIds.size());
        all.addAll(List.of(session(sessionId), streams(sessionId), eventStreams(sessionId), sequence(sessionId)));
        streamIds.forEach(streamId -> all.add(events(sessionId, streamId)));
        return all.toArray(String[]::new);
    }

    /** @return the global sorted set of session ids scored by last-seen epoch millis */
    public String sessionIndex() {
        return prefix + ":sessions";
    }

    /** @return the global set of ids of sessions that reached a terminal status, awaiting purge */
    public String terminalSessions() {
        return prefix + ":sessions:terminal";
    }

    /** @return the heartbeat key of a node instance */
    public String nodeAlive(String owner) {
        return prefix + ":node:" + owner + ":alive";
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
     * @return the global set of the names of the sidecar tenants that ever created state (the anonymous tenant
     *     is not in it)
     */
    public String sidecarTenants() {
        return prefix + ":sidecar:tenants";
    }
}
