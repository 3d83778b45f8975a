package dev.mcpstate.store;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@link SessionStore} contract, run against every backend by subclassing. */
public abstract class SessionStoreContract extends StoreContractSupport {

    @Test
    void findReturnsEveryFieldOfTheSavedRecord() {
        SessionRecord saved = session(newSessionId());

        sessions.save(saved);

        assertThat(sessions.find(saved.sessionId())).contains(saved);
    }

    @Test
    void findKeepsAbsentOptionalFieldsNull() {
        Instant now = clock.instant();
        SessionRecord saved = new SessionRecord(newSessionId(), SessionStatus.ACTIVE, null, null, null, "{}", null,
                "node-b", now.minusSeconds(30), now);

        sessions.save(saved);

        assertThat(sessions.find(saved.sessionId())).contains(saved);
    }

    @Test
    void updateLoggingLevelIsKeptWithTheRecordAndSurvivesAResave() {
        SessionRecord saved = session(newSessionId());
        sessions.save(saved);

        sessions.updateLoggingLevel(saved.sessionId(), "error");
        sessions.updateLoggingLevel("no-such-session", "debug");

        SessionRecord found = sessions.find(saved.sessionId()).orElseThrow();
        assertThat(found).isEqualTo(saved.withLoggingLevel("error"));
        sessions.save(found.withStatus(SessionStatus.ACTIVE));
        assertThat(sessions.find(saved.sessionId()).orElseThrow().loggingLevel()).isEqualTo("error");
        assertThat(sessions.find("no-such-session")).isEmpty();
    }

    @Test
    void findOfUnknownSessionIsEmpty() {
        assertThat(sessions.find(newSessionId())).isEmpty();
    }

    @Test
    void saveReplacesTheRecordOfTheSameId() {
        SessionRecord first = session(newSessionId());
        sessions.save(first);
        SessionRecord second = new SessionRecord(first.sessionId(), SessionStatus.ACTIVE, null, null, null,
                "{\"replaced\":true}", null, "node-c", first.createdAt(), first.lastSeenAt().plusSeconds(5));

        sessions.save(second);

        assertThat(sessions.find(first.sessionId())).contains(second);
    }

    @Test
    void updateStatusMovesANonTerminalSessionAlong() {
        SessionRecord saved = session(newSessionId());
        sessions.save(saved);

        assertThat(sessions.updateStatus(saved.sessionId(), SessionStatus.ACTIVE)).isTrue();
        assertThat(sessions.find(saved.sessionId())).contains(saved.withStatus(SessionStatus.ACTIVE));
        assertThat(sessions.updateStatus(saved.sessionId(), SessionStatus.CLOSED)).isTrue();
        assertThat(sessions.find(saved.sessionId())).contains(saved.withStatus(SessionStatus.CLOSED));
    }

    @Test
    void terminalStatusesNeverChange() {
        for (SessionStatus terminal : List.of(SessionStatus.CLOSED, SessionStatus.EXPIRED)) {
            SessionRecord saved = session(newSessionId());
            sessions.save(saved);
            sessions.updateStatus(saved.sessionId(), terminal);

            for (SessionStatus next : SessionStatus.values()) {
                assertThat(sessions.updateStatus(saved.sessionId(), next)).as("%s -> %s", terminal, next).isFalse();
            }
            assertThat(sessions.find(saved.sessionId()).orElseThrow().status()).isEqualTo(terminal);
        }
    }

    @Test
    void updateStatusOfUnknownSessionIsFalseAndCreatesNothing() {
        String id = newSessionId();

        assertThat(sessions.updateStatus(id, SessionStatus.ACTIVE)).isFalse();
        assertThat(sessions.find(id)).isEmpty();
    }

    @Test
    void exactlyOneOfConcurrentTerminalTransitionsWins() throws Exception {
        SessionRecord saved = session(newSessionId());
        sessions.save(saved);
        List<Callable<Boolean>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SessionStatus target = i % 2 == 0 ? SessionStatus.CLOSED : SessionStatus.EXPIRED;
            racers.add(() -> sessions.updateStatus(saved.sessionId(), target));
        }

        List<Boolean> results = runConcurrently(racers);

        assertThat(results).containsOnlyOnce(true);
    }

    @Test
    void touchSetsTheLastSeenTime() {
        SessionRecord saved = session(newSessionId());
        sessions.save(saved);
        Instant later = saved.lastSeenAt().plus(Duration.ofMinutes(7));

        sessions.touch(saved.sessionId(), later);

        assertThat(sessions.find(saved.sessionId())).contains(saved.withLastSeenAt(later));
    }

    @Test
    void touchAsyncSetsTheLastSeenTimeOnceItCompletes() {
        SessionRecord saved = session(newSessionId());
        sessions.save(saved);
        Instant later = T0.plusSeconds(90);

        sessions.touchAsync(saved.sessionId(), later).join();

        assertThat(sessions.find(saved.sessionId())).hasValueSatisfying(s ->
                assertThat(s.lastSeenAt()).isEqualTo(later));
    }

    @Test
    void touchIgnoresAnUnknownSession() {
        String id = newSessionId();

        sessions.touch(id, clock.instant());

        assertThat(sessions.find(id)).isEmpty();
        assertThat(sessions.list()).doesNotContain(id);
    }

    @Test
    void purgeRemovesSessionsIdleSinceBeforeTheCutoffOnly() {
        SessionRecord idle = session(newSessionId());
        sessions.save(idle);
        clock.advance(Duration.ofMinutes(10));
        SessionRecord atCutoff = session(newSessionId());
        sessions.save(atCutoff);
        SessionRecord touched = session(newSessionId());
        sessions.save(touched.withLastSeenAt(T0));
        sessions.touch(touched.sessionId(), clock.instant().plusSeconds(1));

        List<String> purged = sessions.purge(atCutoff.lastSeenAt());

        assertThat(purged).containsExactly(idle.sessionId());
        assertThat(sessions.find(idle.sessionId())).isEmpty();
        assertThat(sessions.list()).containsExactlyInAnyOrder(atCutoff.sessionId(), touched.sessionId());
    }

    @Test
    void purgeRemovesTerminalSessionsHoweverRecent() {
        SessionRecord closed = session(newSessionId());
        sessions.save(closed);
        sessions.updateStatus(closed.sessionId(), SessionStatus.CLOSED);
        SessionRecord expired = session(newSessionId()).withStatus(SessionStatus.EXPIRED);
        sessions.save(expired);
        SessionRecord active = session(newSessionId()).withStatus(SessionStatus.ACTIVE);
        sessions.save(active);

        List<String> purged = sessions.purge(T0.minus(Duration.ofDays(1)));

        assertThat(purged).containsExactlyInAnyOrder(closed.sessionId(), expired.sessionId());
        assertThat(sessions.list()).containsExactly(active.sessionId());
        assertThat(sessions.purge(T0.minus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void purgeDeletesTheStreamsAndEventsOfPurgedSessionsOnly() {
        SessionRecord gone = session(newSessionId()).withStatus(SessionStatus.CLOSED);
        SessionRecord kept = session(newSessionId());
        for (SessionRecord s : List.of(gone, kept)) {
            sessions.save(s);
            events.openStream(s.sessionId(), "listen", StreamKind.LISTENING, "node-a");
            events.append(s.sessionId(), "listen", Direction.SERVER_TO_CLIENT, "{\"jsonrpc\":\"2.0\"}");
        }

        sessions.purge(T0.minusSeconds(1));

        assertThat(events.stream(gone.sessionId(), "listen")).isEmpty();
        assertThat(events.readAfter(gone.sessionId(), "listen", EventId.START, 10)).isEmpty();
        assertThat(events.stream(kept.sessionId(), "listen")).isPresent();
        assertThat(events.readAfter(kept.sessionId(), "listen", EventId.START, 10)).hasSize(1);
    }

    @Test
    void listReturnsEveryStoredSession() {
        List<String> ids = List.of(newSessionId(), newSessionId(), newSessionId());
        ids.forEach(id -> sessions.save(session(id)));

        assertThat(sessions.list()).containsExactlyInAnyOrderElementsOf(ids);
    }
}
