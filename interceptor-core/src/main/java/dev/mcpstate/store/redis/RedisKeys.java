package dev.mcpstate.store.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Builds every Redis key mcp-state writes. All keys of one session carry the hash tag {@code {<sessionId>}}, so
 * they share one hash slot and multi-key commands and Lua scripts on one session work unchanged on Redis Cluster:
 *
 * <pre>
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:session              hash: the session record (times in epoch millis)
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:streams              hash: streamId -&gt; "KIND|closed|openedAtMillis|owner"
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:event-streams        set: ids of the streams that have an events key
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:seq                  string: session-wide counter behind entry ids
 * &lt;prefix&gt;:{&lt;sessionId&gt;}:events:&lt;streamId&gt;    stream: one entry per event, fields dir, msg, t
 * &lt;prefix&gt;:sessions                        sorted set: sessionId scored by last-seen millis (global)
 * &lt;prefix&gt;:sessions:terminal               set: ids of sessions that reached a terminal status (global)
 * </pre>
 *
 * The two global keys live in other slots; commands on them are always sent separately from the per-session
 * ones. Immutable and thread-safe.
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

    /**
     * A key of one session, for other components sharing the layout (e.g. the sidecar tools).
     *
     * @param sessionId the session; non-empty, without braces
     * @param suffix    what follows {@code <prefix>:{<sessionId>}:}
     * @return {@code <prefix>:{<sessionId>}:<suffix>}
     * @throws IllegalArgumentException when the session id is empty or contains a brace
     */
    public String sessionKey(String sessionId, String suffix) {
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
}
