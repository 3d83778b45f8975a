package dev.mcpstate.interceptor.internal.resume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.SharedBusBackend;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.store.EventId;
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
 * A resumed or listening GET is served by a follower: the stored events after the cursor, then live ones; keep-alive
 * comments in silence; an error response {@code -32005} when the producer of a response stream is gone. Times are
 * the harness's {@link MutableClock}: keep-alive 15 s, response stream timeout 30 s.
 */
class StreamFollowerTest {

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock)
                .config(c -> c.keepAlive(KEEP_ALIVE).responseStreamTimeout(RESPONSE_TIMEOUT)).start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private static SseStream resume(FilterHarness on, String session, String lastEventId) {
        return on.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                Last-Event-ID: %s
                """.formatted(session, lastEventId));
    }

    private static String logged(SseFrame frame) {
        return frame.json().at("/params/data").asText();
    }

    /** Starts the gate tool, waits for "gate open" and "one", cuts the POST; @return the id of "gate open" */
    private static String startGateAndCut(FilterHarness on, String session, int requestId) {
        try (SseStream post = on.open(FilterHarness.toolCall(session, requestId, "gate", "{}"))) {
            String open = post.awaitMessages(1).get(0).id();
            on.gate().say("one");
            post.awaitMessages(2);
            return open;
        }
    }

    @Test
    void replayThenLiveUntilTheFinalResponse() {
        String session = node.openSession();
        String open = startGateAndCut(node, session, 31);

        try (SseStream resumed = resume(node, session, open)) {
            List<SseFrame> replayed = resumed.awaitMessages(1);
            assertThat(replayed).extracting(StreamFollowerTest::logged).containsExactly("one");

            node.gate().say("two");
            assertThat(resumed.awaitMessages(2).get(1)).satisfies(f -> assertThat(logged(f)).isEqualTo("two"));
            node.gate().finish();
            resumed.awaitEnd();

            List<SseFrame> all = resumed.messages();
            assertThat(all).hasSize(3);
            assertThat(all.get(2).json().path("id").asInt()).isEqualTo(31);
            assertThat(all).extracting(f -> Long.parseLong(EventId.parse(f.id()).entryId())).isSorted();
            assertThat(EventId.parse(all.get(2).id()).streamId()).isEqualTo(EventId.parse(open).streamId());
        }
    }

    @Test
    void keepAliveCommentAfterKeepAliveOfSilence() {
        String session = node.openSession();
        try (SseStream listening = node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(session))) {
            List<SseFrame> start = listening.awaitFrames(f -> !f.isEmpty());
            assertThat(start).noneMatch(SseFrame::isComment);

            clock.advance(KEEP_ALIVE);

            List<SseFrame> frames = listening.awaitFrames(f -> f.stream().anyMatch(SseFrame::isComment));
            assertThat(frames).filteredOn(SseFrame::isComment).first()
                    .satisfies(f -> assertThat(f.comments()).containsExactly("keep-alive"));
            assertThat(listening.ended()).isFalse();
        }
    }

    @Test
    void aResponseStreamWhoseProducerStaysSilentEndsWithMinus32005ForTheRequest() {
        String session = node.openSession();
        String open = startGateAndCut(node, session, 41);

        try (SseStream resumed = resume(node, session, open)) {
            resumed.awaitMessages(1);
            FilterHarness.await().until(() -> {
                clock.advance(RESPONSE_TIMEOUT);
                return resumed.ended();
            });

            SseFrame last = resumed.messages().get(resumed.messages().size() - 1);
            JsonNode error = last.json();
            assertThat(last.id()).as("not stored, so not resumable past").isNull();
            assertThat(error.path("id").asInt()).isEqualTo(41);
            assertThat(error.at("/error/code").asInt()).isEqualTo(-32005);
            assertThat(error.at("/error/message").asText()).isNotBlank();
        } finally {
            node.gate().finish();
        }
    }

    @Test
    void aResponseStreamOfANodeThatIsGoneEndsAtOnceWithMinus32005() {
        StorageConfig config = StorageConfig.inMemory();
        Storage shared = Storage.of(new SharedBusBackend(config, clock), config, clock);
        try (FilterHarness a = FilterHarness.on(shared, clock).nodeId("node-a").start();
                FilterHarness b = FilterHarness.on(shared, clock).nodeId("node-b").start()) {
            String session = a.openSession();
            String open = startGateAndCut(a, session, 51);
            a.filter().close(); // node A stops: its bus closes, so the cluster counts it gone

            try (SseStream resumed = resume(b, session, open)) {
                resumed.awaitEnd();

                List<SseFrame> messages = resumed.messages();
                assertThat(messages).extracting(f -> f.json().at("/params/data").asText(""))
                        .containsExactly("one", "");
                assertThat(messages.get(1).json().path("id").asInt()).isEqualTo(51);
                assertThat(messages.get(1).json().at("/error/code").asInt()).isEqualTo(-32005);
            } finally {
                a.gate().finish();
            }
        }
    }

    @Test
    void aResponseStreamOfALiveProducerOnAnotherNodeIsFollowed() {
        StorageConfig config = StorageConfig.inMemory();
        Storage shared = Storage.of(new SharedBusBackend(config, clock), config, clock);
        try (FilterHarness a = FilterHarness.on(shared, clock).nodeId("node-a").start();
                FilterHarness b = FilterHarness.on(shared, clock).nodeId("node-b").start()) {
            String session = a.openSession();
            String open = startGateAndCut(a, session, 61);

            try (SseStream resumed = resume(b, session, open)) {
                resumed.awaitMessages(1);
                a.gate().say("from a, polled by b");
                assertThat(logged(resumed.awaitMessages(2).get(1))).isEqualTo("from a, polled by b");
                a.gate().finish();
                resumed.awaitEnd();
                assertThat(resumed.messages()).hasSize(3);
            }
        }
    }

    @Test
    void aFollowerEndsWhenItsClientGoesAway() {
        node.close();
        node = FilterHarness.on(storage, clock).config(c -> c.keepAlive(KEEP_ALIVE).maxOpenStreams(1)).start();
        String one = node.openSession();
        String two = node.openSession();
        SseStream gone = node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(one));
        assertThat(gone.status()).isEqualTo(200);

        gone.close();

        // the only place frees once the follower has noticed (at its next write, a keep-alive)
        FilterHarness.await().until(() -> {
            clock.advance(KEEP_ALIVE);
            try (SseStream next = node.open("""
                    GET /mcp HTTP/1.1
                    Accept: text/event-stream
                    Mcp-Session-Id: %s
                    """.formatted(two))) {
                return next.status() == 200;
            }
        });
    }
}
