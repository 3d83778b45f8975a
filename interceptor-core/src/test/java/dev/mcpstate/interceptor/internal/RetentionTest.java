package dev.mcpstate.interceptor.internal;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code filter.runRetention()} keeps storage and the SDK bounded: sessions idle past their TTL (2 h) and terminal
 * ones are purged with their events and evicted from the SDK; events older than {@code eventMaxAge} (1 h) are
 * trimmed from sessions that live on, and response streams closed longer than {@code closedStreamMaxAge} (10 min)
 * ago are removed whole.
 */
class RetentionTest {

    private static final Duration TTL = Duration.ofHours(2);
    private static final Duration EVENT_MAX_AGE = Duration.ofHours(1);
    private static final Duration CLOSED_STREAM_MAX_AGE = Duration.ofMinutes(10);

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory().toBuilder().sessionIdleTtl(TTL)
            .eventMaxAge(EVENT_MAX_AGE).closedStreamMaxAge(CLOSED_STREAM_MAX_AGE).build(), clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String streamOf(List<SseFrame> messages) {
        return EventId.parse(messages.get(0).id()).streamId();
    }

    @Test
    void purgesSessionsIdlePastTheirTtlWithTheirEventsAndEvictsThemFromTheSdk() {
        String idle = node.openSession();
        String stream = streamOf(node.callTool(idle, 1, "count", "{\"n\":2}").messages());
        clock.advance(TTL.plusSeconds(1));
        String fresh = node.openSession();

        node.filter().runRetention();

        assertThat(storage.sessions().find(idle)).isEmpty();
        assertThat(storage.events().stream(idle, stream)).isEmpty();
        assertThat(storage.events().readAfter(idle, stream, EventId.START, 10)).isEmpty();
        assertThat(storage.events().stream(idle, "listen")).isEmpty();
        assertThat(node.filter().localSessionIds()).doesNotContain(idle).contains(fresh);
        assertThat(storage.sessions().find(fresh)).isPresent();
        node.callTool(idle, 2, "echo", "{\"text\":\"x\"}").assertJsonRpcError(404, -32001);
    }

    @Test
    void keepsSessionsThatWereSeenWithinTheirTtl() {
        String session = node.openSession();
        clock.advance(TTL);

        node.filter().runRetention();

        assertThat(storage.sessions().find(session)).isPresent();
        assertThat(node.filter().localSessionIds()).contains(session);
    }

    @Test
    void purgesClosedSessions() {
        String session = node.openSession();
        node.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: %s
                """.formatted(session));
        assertThat(storage.sessions().find(session).orElseThrow().status()).isEqualTo(SessionStatus.CLOSED);

        node.filter().runRetention();

        assertThat(storage.sessions().find(session)).isEmpty();
    }

    @Test
    void trimsEventsOlderThanEventMaxAgeOfSessionsThatLiveOn() {
        String session = node.openSession();
        String old = streamOf(node.callTool(session, 1, "count", "{\"n\":2}").messages());
        clock.advance(EVENT_MAX_AGE.plusMinutes(1));
        String recent = streamOf(node.callTool(session, 2, "count", "{\"n\":2}").messages());

        node.filter().runRetention();

        assertThat(storage.sessions().find(session)).isPresent();
        assertThat(storage.events().readAfter(session, old, EventId.START, 10)).isEmpty();
        assertThat(storage.events().readAfter(session, recent, EventId.START, 10)).hasSize(4);
        assertThat(node.callTool(session, 3, "echo", "{\"text\":\"still here\"}").status()).isEqualTo(200);
    }

    @Test
    void removesResponseStreamsClosedLongerThanClosedStreamMaxAgeAgoAndKeepsTheRecentOnes() {
        String session = node.openSession();
        String answered = streamOf(node.callTool(session, 1, "count", "{\"n\":2}").messages());
        clock.advance(CLOSED_STREAM_MAX_AGE.plusSeconds(1));
        String recent = streamOf(node.callTool(session, 2, "count", "{\"n\":2}").messages());

        node.filter().runRetention();

        assertThat(storage.events().stream(session, answered)).isEmpty();
        assertThat(storage.events().readAfter(session, answered, EventId.START, 10)).isEmpty();
        assertThat(storage.events().stream(session, recent)).hasValueSatisfying(s -> assertThat(s.closed()).isTrue());
        assertThat(storage.events().readAfter(session, recent, EventId.START, 10)).hasSize(4);
    }

    @Test
    void evictsFromThisNodesSdkTheSessionsAnotherNodePurged() {
        try (FilterHarness other = FilterHarness.on(storage, clock).nodeId("other").start()) {
            String session = node.openSession();
            assertThat(other.callTool(session, 1, "echo", "{\"text\":\"x\"}").status()).isEqualTo(200);
            assertThat(other.filter().localSessionIds()).contains(session);
            clock.advance(TTL.plusSeconds(1));

            node.filter().runRetention();
            assertThat(storage.sessions().find(session)).isEmpty();
            assertThat(other.filter().localSessionIds()).as("not told: one-node bus").contains(session);

            other.filter().runRetention();
            assertThat(other.filter().localSessionIds()).doesNotContain(session);
        }
    }

    @Test
    void aSessionFoundExpiredIsEvictedAtOnceAndPurgedByTheNextRun() {
        String session = node.openSession();
        clock.advance(TTL.plusSeconds(1));
        node.callTool(session, 1, "echo", "{\"text\":\"x\"}").assertJsonRpcError(404, -32001);
        assertThat(node.filter().localSessionIds()).doesNotContain(session);
        assertThat(storage.sessions().find(session)).hasValueSatisfying(s ->
                assertThat(s.status()).isEqualTo(SessionStatus.EXPIRED));

        node.filter().runRetention();

        assertThat(storage.sessions().find(session)).isEmpty();
    }
}
