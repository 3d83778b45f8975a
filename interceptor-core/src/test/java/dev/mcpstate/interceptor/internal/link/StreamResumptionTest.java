package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every GET of a session is answered from the store: replays after {@code Last-Event-ID}, listening streams. */
class StreamResumptionTest {

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).config(c -> c.keepAlive(Duration.ofSeconds(15))).start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private HttpResult get(String session, String lastEventId) {
        return node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                Last-Event-ID: %s
                """.formatted(session, lastEventId));
    }

    private SseStream listen(String session) {
        return node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(session));
    }

    private List<StoredEvent> serverEventsAfter(String session, EventId id) {
        return storage.events().readAfter(session, id.streamId(), id.entryId(), 100).stream()
                .filter(e -> e.direction() == Direction.SERVER_TO_CLIENT).toList();
    }

    @Test
    void getWithoutAcceptEventStreamGets406() {
        String session = node.openSession();

        HttpResult response = node.send("""
                GET /mcp HTTP/1.1
                Accept: application/json
                Mcp-Session-Id: %s
                """.formatted(session));

        response.assertJsonRpcError(406, -32000);
        assertThat(response.json().at("/error/message").asText()).contains("text/event-stream");
    }

    @Test
    void getWithoutAnyAcceptGets406() {
        String session = node.openSession();

        node.send("""
                GET /mcp HTTP/1.1
                Mcp-Session-Id: %s
                """.formatted(session)).assertJsonRpcError(406, -32000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "r1:", ":5", "listen:abc", "listen:-1", "a b:1"})
    void malformedLastEventIdGets400(String lastEventId) {
        String session = node.openSession();

        HttpResult response = get(session, lastEventId);

        response.assertJsonRpcError(400, -32000);
        assertThat(response.json().at("/error/message").asText()).contains("Last-Event-ID");
    }

    @Test
    void lastEventIdOfAnotherSessionGets410() {
        String mine = node.openSession();
        String theirs = node.openSession();
        SseFrame theirEvent = node.callTool(theirs, 1, "count", "{\"n\":1}").messages().get(0);

        get(mine, theirEvent.id()).assertJsonRpcError(410, -32000);
        assertThat(get(theirs, theirEvent.id()).status()).isEqualTo(200);
    }

    @Test
    void lastEventIdNeverIssuedInTheStreamGets410() {
        String session = node.openSession();
        SseFrame last = node.callTool(session, 1, "count", "{\"n\":1}").messages().get(1);
        EventId id = EventId.parse(last.id());

        get(session, id.streamId() + ":" + (Long.parseLong(id.entryId()) + 100)).assertJsonRpcError(410, -32000);
        get(session, "r000000000000:1").assertJsonRpcError(410, -32000);
        get(session, "listen:999").assertJsonRpcError(410, -32000);
    }

    @Test
    void lastEventIdOfAStreamRemovedByRetentionGets410AndTheSessionStaysValid() {
        String session = node.openSession();
        SseFrame first = node.callTool(session, 1, "count", "{\"n\":2}").messages().get(0);
        assertThat(get(session, first.id()).status()).as("resumable while its stream is kept").isEqualTo(200);

        clock.advance(storage.config().closedStreamMaxAge().plusMinutes(1));
        node.filter().runRetention();

        HttpResult gone = get(session, first.id());
        gone.assertJsonRpcError(410, -32000);
        assertThat(gone.json().at("/error/message").asText()).contains("the session stays valid");
        assertThat(node.callTool(session, 2, "echo", "{\"text\":\"still here\"}").status()).isEqualTo(200);
    }

    @Test
    void replaySendsOnlyServerEventsAfterLastEventIdOnThatStream() {
        String session = node.openSession();
        List<SseFrame> first = node.callTool(session, 1, "count", "{\"n\":3}").messages();
        node.callTool(session, 2, "count", "{\"n\":2}");
        assertThat(first).hasSize(4);

        HttpResult replay = get(session, first.get(0).id());

        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.header("Content-Type")).startsWith("text/event-stream");
        List<SseFrame> replayed = replay.messages();
        assertThat(replayed).extracting(SseFrame::id)
                .containsExactly(first.get(1).id(), first.get(2).id(), first.get(3).id());
        assertThat(replayed).extracting(SseFrame::data)
                .containsExactly(first.get(1).data(), first.get(2).data(), first.get(3).data());
        assertThat(replayed).extracting(SseFrame::id).containsExactlyElementsOf(
                serverEventsAfter(session, EventId.parse(first.get(0).id())).stream()
                        .map(e -> e.id().toString()).toList());
        assertThat(replayed.get(2).json().path("id").asInt()).as("ends after the final response").isEqualTo(1);
    }

    @Test
    void replayFromTheStreamStartSendsEveryServerEventButNotTheRequest() {
        String session = node.openSession();
        List<SseFrame> live = node.callTool(session, 1, "count", "{\"n\":2}").messages();
        String streamId = EventId.parse(live.get(0).id()).streamId();

        List<SseFrame> replayed = get(session, streamId + ":0").messages();

        assertThat(replayed).extracting(SseFrame::id).containsExactlyElementsOf(
                live.stream().map(SseFrame::id).toList());
        assertThat(replayed).noneMatch(f -> f.data().contains("tools/call"));
        assertThat(storage.events().readAfter(session, streamId, "0", 1).get(0).direction())
                .as("the stored request").isEqualTo(Direction.CLIENT_TO_SERVER);
    }

    @Test
    void replayOfAFinishedStreamAfterItsLastEventEndsAtOnce() {
        String session = node.openSession();
        List<SseFrame> live = node.callTool(session, 1, "count", "{\"n\":1}").messages();

        HttpResult replay = get(session, live.get(live.size() - 1).id());

        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.messages()).isEmpty();
    }

    @Test
    void replayStartsWithAPrimingEventAtTheResumedPositionFor20251125() {
        String session = node.openSession();
        List<SseFrame> live = node.callTool(session, 1, "count", "{\"n\":2}").messages();

        List<SseFrame> frames = get(session, live.get(0).id()).frames();

        assertThat(frames.get(0).isPriming()).as(frames.toString()).isTrue();
        assertThat(frames.get(0).id()).isEqualTo(live.get(0).id());
    }

    @Test
    void listeningStreamStartsWithAPrimingEventFor20251125() {
        String session = node.openSession();

        try (SseStream stream = listen(session)) {
            List<SseFrame> frames = stream.awaitFrames(f -> !f.isEmpty());

            assertThat(frames.get(0).isPriming()).isTrue();
            assertThat(frames.get(0).id()).isEqualTo("listen:" + storage.events().lastEntryId(session, "listen"));
        }
    }

    @Test
    void noPrimingEventForClientsOfAnEarlierProtocol() {
        String session = node.initialize("2025-06-18", null);
        node.initialized(session, null);

        try (SseStream stream = listen(session)) {
            assertThat(stream.status()).isEqualTo(200);
            node.server().notifyToolsListChanged();

            List<SseFrame> frames = stream.awaitFrames(f -> !f.isEmpty());
            assertThat(frames.get(0).isMessage()).as(frames.toString()).isTrue();
        }
        List<SseFrame> live = node.callTool(session, 1, "count", "{\"n\":1}").frames();
        assertThat(live).noneMatch(SseFrame::isPriming);
    }

    @Test
    void getOpensTheListeningStreamAndANotificationSentLaterArrives() {
        String session = node.openSession();
        node.server().notifyToolsListChanged(); // before the GET: not replayed by a GET without Last-Event-ID

        try (SseStream stream = listen(session)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
            stream.awaitFrames(f -> !f.isEmpty());
            node.server().notifyToolsListChanged();

            List<SseFrame> messages = stream.awaitMessages(1);
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).json().path("method").asText()).isEqualTo("notifications/tools/list_changed");
            assertThat(messages.get(0).id()).isEqualTo("listen:" + storage.events().lastEntryId(session, "listen"));
            assertThat(stream.ended()).isFalse();
        }
    }

    @Test
    void listeningStreamResumesAfterItsLastEventId() {
        String session = node.openSession();
        String before;
        try (SseStream stream = listen(session)) {
            stream.awaitFrames(f -> !f.isEmpty());
            node.server().notifyToolsListChanged();
            before = stream.awaitMessages(1).get(0).id();
        }
        node.server().notifyToolsListChanged(); // while no client listens: stored

        try (SseStream resumed = node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                Last-Event-ID: %s
                """.formatted(session, before))) {
            List<SseFrame> missed = resumed.awaitMessages(1);
            assertThat(missed.get(0).id()).isEqualTo("listen:" + storage.events().lastEntryId(session, "listen"));
            assertThat(missed.get(0).id()).isNotEqualTo(before);
        }
    }

    @Test
    void aSecondGetOfTheSameSessionEndsTheFirst() {
        String session = node.openSession();
        try (SseStream first = listen(session)) {
            assertThat(first.status()).isEqualTo(200);

            try (SseStream second = listen(session)) {
                assertThat(second.status()).isEqualTo(200);
                first.awaitEnd();

                node.server().notifyToolsListChanged();
                assertThat(second.awaitMessages(1)).hasSize(1);
                assertThat(first.messages()).as("each message goes out on one stream").isEmpty();
                assertThat(second.ended()).isFalse();
            }
        }
    }

    @Test
    void getsOfOtherSessionsDoNotEndEachOther() {
        String one = node.openSession();
        String two = node.openSession();
        try (SseStream first = listen(one); SseStream second = listen(two)) {
            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);

            node.server().notifyToolsListChanged();

            assertThat(first.awaitMessages(1)).hasSize(1);
            assertThat(second.awaitMessages(1)).hasSize(1);
        }
    }

    @Test
    void getsBeyondMaxOpenStreamsGet503WithRetryAfterUntilAPlaceFrees() {
        node.close();
        node = FilterHarness.on(storage, clock)
                .config(c -> c.maxOpenStreams(1).retryAfterSeconds(7).keepAlive(Duration.ofSeconds(15))).start();
        String one = node.openSession();
        String two = node.openSession();
        SseStream first = listen(one);
        assertThat(first.status()).isEqualTo(200);

        HttpResult refused = node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(two));

        refused.assertJsonRpcError(503, -32000);
        assertThat(refused.header("Retry-After")).isEqualTo("7");
        assertThat(refused.json().at("/error/message").asText()).contains("too many streams");

        first.close(); // the client leaves
        FilterHarness.await().until(() -> {
            clock.advance(Duration.ofSeconds(15));
            try (SseStream second = listen(two)) {
                return second.status() == 200;
            }
        });
    }

    @Test
    void aClientThatClosesAnIdleStreamFreesItsPlaceAtOnce() {
        node.close();
        node = FilterHarness.on(storage, clock).config(c -> c.maxOpenStreams(1)).start();
        String one = node.openSession();
        String two = node.openSession();
        SseStream first = listen(one);
        assertThat(first.status()).isEqualTo(200);

        first.close(); // nothing is written to it: the clock stands still, no keep-alive is due

        FilterHarness.await().until(() -> {
            try (SseStream second = listen(two)) {
                return second.status() == 200;
            }
        });
        assertThat(first.ended()).isTrue();
    }
}
