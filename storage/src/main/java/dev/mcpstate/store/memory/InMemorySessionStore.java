package dev.mcpstate.store.memory;

import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.SessionStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SessionStore} in memory, the stores of {@link InMemoryBackend}. {@link #purge(Instant)} also deletes the purged sessions'
 * events from the companion {@link InMemoryEventStore}, as the real backends do. Thread-safe; never throws
 * {@link dev.mcpstate.store.StoreException}.
 */
final class InMemorySessionStore implements SessionStore {

    private final Map<String, SessionRecord> records = new ConcurrentHashMap<>();
    private final InMemoryEventStore events;

    /** @param events the event store whose events {@link #purge(Instant)} deletes with their sessions; not null */
    InMemorySessionStore(InMemoryEventStore events) {
        this.events = Objects.requireNonNull(events, "events must not be null");
        events.liveSessions(id -> {
            SessionRecord r = records.get(id);
            return r != null && !r.status().isTerminal();
        });
    }

    @Override
    public void save(SessionRecord session) {
        records.put(session.sessionId(), session);
    }

    @Override
    public Optional<SessionRecord> find(String sessionId) {
        return Optional.ofNullable(records.get(sessionId));
    }

    @Override
    public boolean updateStatus(String sessionId, SessionStatus status) {
        boolean[] changed = {false};
        records.computeIfPresent(sessionId, (id, r) -> {
            if (r.status().isTerminal()) {
                return r;
            }
            changed[0] = true;
            return r.withStatus(status);
        });
        return changed[0];
    }

    @Override
    public void updateLoggingLevel(String sessionId, String level) {
        records.computeIfPresent(sessionId, (id, r) -> r.withLoggingLevel(level));
    }

    @Override
    public void touch(String sessionId, Instant at) {
        records.computeIfPresent(sessionId, (id, r) -> r.withLastSeenAt(at));
    }

    @Override
    public List<String> purge(Instant idleBefore) {
        List<String> purged = new ArrayList<>();
        records.forEach((id, r) -> {
            if ((r.status().isTerminal() || r.lastSeenAt().isBefore(idleBefore)) && records.remove(id, r)) {
                events.deleteSession(id);
                purged.add(id);
            }
        });
        return purged;
    }

    @Override
    public List<String> list() {
        return List.copyOf(records.keySet());
    }

}
