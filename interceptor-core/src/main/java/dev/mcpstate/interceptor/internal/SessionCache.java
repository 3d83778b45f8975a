package dev.mcpstate.interceptor.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mcpstate.store.SessionRecord;

import java.util.Objects;

/**
 * What this node remembers of live sessions, so that a warm request needs no store read before the SDK runs. An
 * entry is dropped when the session ends or its record changes on any node (the cluster bus says so) and when it is
 * evicted for size; the store stays the truth: the first write of every request ({@code openResponseStream}) checks
 * that the session is live, whatever this cache says. Bounded (least recently used entries go first); thread-safe.
 */
public final class SessionCache {

    private final Cache<String, SessionRecord> records;

    /** @param maximumSize the most sessions remembered; at least 1 */
    public SessionCache(long maximumSize) {
        this.records = Caffeine.newBuilder().maximumSize(maximumSize).build();
    }

    /** @return the remembered record, or null */
    public SessionRecord get(String sessionId) {
        return records.getIfPresent(sessionId);
    }

    /** Remembers a record, replacing any older one of the same session. */
    public void put(SessionRecord record) {
        records.put(record.sessionId(), Objects.requireNonNull(record, "record must not be null"));
    }

    /** Forgets a session. */
    public void invalidate(String sessionId) {
        records.invalidate(sessionId);
    }
}
