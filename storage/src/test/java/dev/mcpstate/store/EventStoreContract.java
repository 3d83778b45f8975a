package dev.mcpstate.store;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link EventStore} contract, run against every backend by subclassing. */
public abstract class EventStoreContract extends StoreContractSupport {

    private final String sid = newSessionId();
    /** A closed cutoff no stream closed before: {@link EventStore#trim} removes no stream for having closed. */
    private static final Instant KEEP_CLOSED = Instant.EPOCH;

    private List<StoredEvent> appendAll(String streamId, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> events.append(sid, streamId, Direction.SERVER_TO_CLIENT, message(streamId, i)))
                .toList();
    }

    private static String message(String streamId, int i) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"s\":\"" + streamId
                + "\",\"i\":" + i + "}}";
    }

    private List<StoredEvent> readAll(String streamId) {
        return events.readAfter(sid, streamId, EventId.START, 10_000);
    }

    @Test
    void openResponseStreamStoresTheRequestAndTheFinalResponseAndClosesTheStreamInOneStep() {
        sessions.save(session(sid));

        StoredEvent response = events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", "{\"result\":{}}", true)
                .join().orElseThrow();

        assertThat(response.direction()).isEqualTo(Direction.SERVER_TO_CLIENT);
        assertThat(response.message()).isEqualTo("{\"result\":{}}");
        assertThat(events.stream(sid, "r1")).hasValueSatisfying(info -> {
            assertThat(info.kind()).isEqualTo(StreamKind.RESPONSE);
            assertThat(info.ownerNode()).isEqualTo("node-a");
            assertThat(info.closed()).isTrue();
        });
        List<StoredEvent> stored = readAll("r1");
        assertThat(stored).hasSize(2).last().isEqualTo(response);
        assertThat(stored.get(0).direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
        assertThat(stored.get(0).message()).isEqualTo("{\"id\":1}");
        assertThat(counter(stored.get(0).id().entryId())).isLessThan(counter(response.id().entryId()));
    }

    /** @return true for backends whose {@link EventStore#appendAfter} checks the count (Redis, memory) */
    protected boolean checksPrecedingEvents() {
        return false;
    }

    @Test
    void appendAfterStoresAnEventOnlyBehindAsManyEventsAsItExpects() {
        sessions.save(session(sid));
        events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", "{\"method\":\"m\"}", false).join();

        StoredEvent third = events.appendAfter(sid, "r1", 2, Direction.SERVER_TO_CLIENT, "{\"n\":3}", false).join();
        StoredEvent last = events.appendAfter(sid, "r1", 3, Direction.SERVER_TO_CLIENT, "{\"result\":{}}", true)
                .join();

        assertThat(readAll("r1")).hasSize(4).endsWith(third, last);
        assertThat(events.stream(sid, "r1").orElseThrow().closed()).isTrue();
        if (checksPrecedingEvents()) {
            // the producer believes the stream holds 5 (an append it sent was lost): nothing lands behind the hole
            assertThatThrownBy(() -> events.appendAfter(sid, "r1", 5, Direction.SERVER_TO_CLIENT, "{\"n\":6}", false)
                    .join()).hasCauseInstanceOf(StreamGapException.class).hasMessageContaining("holds 4 events");
            assertThat(readAll("r1")).hasSize(4);
            events.append(sid, "r1", Direction.SERVER_TO_CLIENT, "{\"unconditional\":true}");
            assertThat(events.appendAfter(sid, "r1", 5, Direction.SERVER_TO_CLIENT, "{\"n\":6}", false).join()
                    .message()).isEqualTo("{\"n\":6}");
        }
    }

    @Test
    void appendAllAfterStoresSeveralEventsInOrderBehindTheOnesBeforeAndClosesWithTheLast() {
        sessions.save(session(sid));
        events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", "{\"method\":\"m\"}", false).join();

        List<StoredEvent> three = events.appendAllAfter(sid, "r1", 2, Direction.SERVER_TO_CLIENT,
                List.of("{\"n\":3}", "{\"n\":4}", "{\"n\":5}"), false).join();

        assertThat(three).extracting(StoredEvent::message).containsExactly("{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
        assertThat(three).extracting(e -> counter(e.id().entryId())).isSorted().doesNotHaveDuplicates();
        assertThat(readAll("r1")).hasSize(5).endsWith(three.toArray(StoredEvent[]::new));
        assertThat(events.readAfter(sid, "r1", three.get(0).id().entryId(), 10)).containsExactly(three.get(1),
                three.get(2));
        assertThat(events.stream(sid, "r1").orElseThrow().closed()).isFalse();

        List<StoredEvent> one = events.appendAllAfter(sid, "r1", 5, Direction.SERVER_TO_CLIENT,
                List.of("{\"n\":6}"), false).join();
        List<StoredEvent> end = events.appendAllAfter(sid, "r1", 6, Direction.SERVER_TO_CLIENT,
                List.of("{\"n\":7}", "{\"result\":{}}"), true).join();

        assertThat(readAll("r1")).hasSize(8).endsWith(one.get(0), end.get(0), end.get(1));
        assertThat(events.stream(sid, "r1").orElseThrow().closed()).isTrue();
        if (checksPrecedingEvents()) {
            // the producer believes the stream holds 9: none of the batch lands behind the hole
            assertThatThrownBy(() -> events.appendAllAfter(sid, "r1", 9, Direction.SERVER_TO_CLIENT,
                    List.of("{\"n\":10}", "{\"n\":11}"), false).join()).hasCauseInstanceOf(StreamGapException.class);
            assertThat(readAll("r1")).hasSize(8);
        }
    }

    @Test
    void appendAllAfterRefusesAnEmptyBatchAndANegativeCount() {
        assertThatThrownBy(() -> events.appendAllAfter(sid, "r1", 0, Direction.SERVER_TO_CLIENT, List.of(), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events.appendAllAfter(sid, "r1", -1, Direction.SERVER_TO_CLIENT,
                List.of("{}", "{}"), false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openResponseStreamWithANotificationLeavesTheStreamOpenForWhatFollows() {
        sessions.save(session(sid));

        StoredEvent progress = events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}",
                "{\"method\":\"notifications/progress\"}", false).join().orElseThrow();
        StoredEvent response = events.appendAndCloseAsync(sid, "r1", Direction.SERVER_TO_CLIENT, "{\"result\":{}}")
                .join();

        assertThat(readAll("r1")).hasSize(3).endsWith(progress, response);
        assertThat(events.stream(sid, "r1")).hasValueSatisfying(info -> assertThat(info.closed()).isTrue());
    }

    @Test
    void openResponseStreamWithoutAnEventStoresTheRequestAlone() {
        sessions.save(session(sid));

        StoredEvent request = events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", null, true).join()
                .orElseThrow();

        assertThat(request.direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
        assertThat(readAll("r1")).containsExactly(request);
        assertThat(events.stream(sid, "r1")).hasValueSatisfying(info -> assertThat(info.closed()).isTrue());
    }

    @Test
    void openResponseStreamWritesNothingForAnUnknownOrEndedSession() {
        assertThat(events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", "{}", true).join()).isEmpty();
        sessions.save(session(sid));
        sessions.updateStatus(sid, SessionStatus.CLOSED);
        assertThat(events.openResponseStream(sid, "r2", "node-a", "{\"id\":2}", "{}", true).join()).isEmpty();

        assertThat(events.stream(sid, "r1")).isEmpty();
        assertThat(events.stream(sid, "r2")).isEmpty();
        assertThat(readAll("r1")).isEmpty();
        assertThat(readAll("r2")).isEmpty();
    }

    @Test
    void appendReturnsTheStoredEventWithItsIdAndTime() {
        StoredEvent event = events.append(sid, "r1", Direction.CLIENT_TO_SERVER, "{\"id\":1}");

        assertThat(event.sessionId()).isEqualTo(sid);
        assertThat(event.id().streamId()).isEqualTo("r1");
        assertThat(event.id().isStart()).isFalse();
        assertThat(event.direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
        assertThat(event.message()).isEqualTo("{\"id\":1}");
        assertThat(event.createdAt()).isEqualTo(T0);
        assertThat(readAll("r1")).containsExactly(event);
    }

    @Test
    void readAfterStartReturnsTheWholeStreamOldestFirst() {
        List<StoredEvent> appended = appendAll("r1", 5);

        assertThat(readAll("r1")).containsExactlyElementsOf(appended);
    }

    @Test
    void readAfterReturnsOnlyLaterEventsUpToTheLimit() {
        List<StoredEvent> appended = appendAll("r1", 6);

        assertThat(events.readAfter(sid, "r1", appended.get(1).id().entryId(), 3))
                .containsExactlyElementsOf(appended.subList(2, 5));
        assertThat(events.readAfter(sid, "r1", appended.get(5).id().entryId(), 3)).isEmpty();
    }

    @Test
    void readAfterNeverReturnsEventsOfAnotherStream() {
        List<StoredEvent> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(events.append(sid, "r1", Direction.SERVER_TO_CLIENT, message("r1", i)));
            events.append(sid, "r2", Direction.SERVER_TO_CLIENT, message("r2", i));
            events.append(newSessionId(), "r1", Direction.SERVER_TO_CLIENT, message("other", i));
        }

        assertThat(readAll("r1")).containsExactlyElementsOf(first);
        assertThat(events.readAfter(sid, "r1", first.get(0).id().entryId(), 10))
                .containsExactlyElementsOf(first.subList(1, 4));
        assertThat(readAll("never")).isEmpty();
    }

    @Test
    void entryIdsAreUniqueAcrossTheStreamsOfASessionAndIncrease() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(events.append(sid, "s" + (i % 3), Direction.SERVER_TO_CLIENT, message("s", i)).id().entryId());
        }

        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids.stream().map(StoreContractSupport::counter).toList()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void lastEntryIdIsStartForAnEmptyStreamAndTheNewestIdOtherwise() {
        assertThat(events.lastEntryId(sid, "r1")).isEqualTo(EventId.START);

        List<StoredEvent> appended = appendAll("r1", 3);
        events.append(sid, "r2", Direction.SERVER_TO_CLIENT, "{}");

        assertThat(events.lastEntryId(sid, "r1")).isEqualTo(appended.get(2).id().entryId());
    }

    @Test
    void isKnownPositionAcceptsStartAndIssuedIdsOnly() {
        StoredEvent a1 = events.append(sid, "a", Direction.SERVER_TO_CLIENT, "{}");
        StoredEvent b1 = events.append(sid, "b", Direction.SERVER_TO_CLIENT, "{}");
        StoredEvent a2 = events.append(sid, "a", Direction.SERVER_TO_CLIENT, "{}");
        StoredEvent b2 = events.append(sid, "b", Direction.SERVER_TO_CLIENT, "{}");

        assertThat(events.isKnownPosition(sid, "a", EventId.START)).isTrue();
        assertThat(events.isKnownPosition(sid, "never", EventId.START)).isTrue();
        assertThat(events.isKnownPosition(sid, "a", a1.id().entryId())).isTrue();
        assertThat(events.isKnownPosition(sid, "a", a2.id().entryId())).isTrue();
        assertThat(events.isKnownPosition(sid, "b", b2.id().entryId())).isTrue();
        assertThat(events.isKnownPosition(sid, "a", b1.id().entryId())).as("other stream's id").isFalse();
        assertThat(events.isKnownPosition(sid, "b", a2.id().entryId())).as("other stream's id").isFalse();
        assertThat(events.isKnownPosition(sid, "a", Long.toString(counter(b2.id().entryId()) + 1000)))
                .as("future id").isFalse();
        assertThat(events.isKnownPosition(sid, "a", "99999999999999999999")).as("huge id").isFalse();
        assertThat(events.isKnownPosition(newSessionId(), "a", a1.id().entryId())).as("other session").isFalse();
    }

    @Test
    void openStreamRecordsTheStreamAndReopeningLeavesItUnchanged() {
        events.openStream(sid, "r1", StreamKind.RESPONSE, "node-a");
        clock.advance(Duration.ofSeconds(5));
        events.openStream(sid, "r1", StreamKind.LISTENING, "node-b");

        assertThat(events.stream(sid, "r1"))
                .contains(new StreamInfo(sid, "r1", StreamKind.RESPONSE, false, "node-a", T0));
    }

    @Test
    void openStreamAndAppendOpensTheStreamWithItsFirstEvent() {
        StoredEvent first = events.openStreamAndAppend(sid, "r9", StreamKind.RESPONSE, "node-a#1",
                Direction.CLIENT_TO_SERVER, "{\"id\":9}");

        assertThat(events.stream(sid, "r9"))
                .contains(new StreamInfo(sid, "r9", StreamKind.RESPONSE, false, "node-a#1", T0));
        assertThat(readAll("r9")).containsExactly(first);
        assertThat(first.direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
    }

    @Test
    void openStreamAndAppendLeavesAnOpenedStreamAsItWas() {
        events.openStream(sid, "r9", StreamKind.RESPONSE, "node-a");
        clock.advance(Duration.ofSeconds(5));

        events.openStreamAndAppend(sid, "r9", StreamKind.LISTENING, "node-b", Direction.CLIENT_TO_SERVER, "{}");

        assertThat(events.stream(sid, "r9"))
                .contains(new StreamInfo(sid, "r9", StreamKind.RESPONSE, false, "node-a", T0));
    }

    @Test
    void appendAndCloseStoresTheLastEventAndEndsTheStream() {
        StoredEvent request = events.openStreamAndAppend(sid, "r9", StreamKind.RESPONSE, "node-a",
                Direction.CLIENT_TO_SERVER, "{\"id\":9,\"method\":\"tools/call\"}");
        StoredEvent progress = events.append(sid, "r9", Direction.SERVER_TO_CLIENT, message("r9", 1));

        StoredEvent last = events.appendAndClose(sid, "r9", Direction.SERVER_TO_CLIENT, "{\"id\":9,\"result\":{}}");

        assertThat(readAll("r9")).containsExactly(request, progress, last);
        assertThat(events.stream(sid, "r9")).get().extracting(StreamInfo::closed).isEqualTo(true);
        assertThat(events.lastEntryId(sid, "r9")).isEqualTo(last.id().entryId());
    }

    @Test
    void closeStreamMarksItEndedAndIgnoresUnknownStreams() {
        events.openStream(sid, "listen", StreamKind.LISTENING, "node|with|bars");

        events.closeStream(sid, "listen");
        events.closeStream(sid, "listen");
        events.closeStream(sid, "unknown");

        assertThat(events.stream(sid, "listen"))
                .contains(new StreamInfo(sid, "listen", StreamKind.LISTENING, true, "node|with|bars", T0));
        assertThat(events.stream(sid, "unknown")).isEmpty();
    }

    @Test
    void appendingToAStreamThatWasNeverOpenedDoesNotOpenIt() {
        events.append(sid, "r1", Direction.SERVER_TO_CLIENT, "{}");

        assertThat(events.stream(sid, "r1")).isEmpty();
        events.openStream(sid, "r1", StreamKind.RESPONSE, "node-a");
        assertThat(events.stream(sid, "r1")).isPresent();
        assertThat(readAll("r1")).hasSize(1);
    }

    @Test
    void deleteSessionRemovesEveryStreamAndEventOfThatSessionOnly() {
        String other = newSessionId();
        for (String s : List.of(sid, other)) {
            events.openStream(s, "r1", StreamKind.RESPONSE, "node-a");
            events.openStream(s, "listen", StreamKind.LISTENING, "node-a");
            events.append(s, "r1", Direction.SERVER_TO_CLIENT, "{}");
            events.append(s, "listen", Direction.SERVER_TO_CLIENT, "{}");
        }

        events.deleteSession(sid);

        for (String streamId : List.of("r1", "listen")) {
            assertThat(events.stream(sid, streamId)).isEmpty();
            assertThat(readAll(streamId)).isEmpty();
            assertThat(events.lastEntryId(sid, streamId)).isEqualTo(EventId.START);
            assertThat(events.stream(other, streamId)).isPresent();
            assertThat(events.readAfter(other, streamId, EventId.START, 10)).hasSize(1);
        }
    }

    @Test
    void aStreamKeepsOnlyItsNewestMaxEventsPerStreamEvents() {
        use(5);
        List<StoredEvent> appended = appendAll("r1", 12);
        List<StoredEvent> other = appendAll("r2", 3);

        assertThat(readAll("r1")).containsExactlyElementsOf(appended.subList(7, 12));
        assertThat(readAll("r2")).containsExactlyElementsOf(other);
        assertThat(events.lastEntryId(sid, "r1")).isEqualTo(appended.get(11).id().entryId());
        assertThat(events.isKnownPosition(sid, "r1", appended.get(0).id().entryId())).as("trimmed").isTrue();
        assertThat(events.readAfter(sid, "r1", appended.get(0).id().entryId(), 10))
                .containsExactlyElementsOf(appended.subList(7, 12));
    }

    @Test
    void openResponseStreamKeepsTheStreamWithinItsBound() {
        use(1);
        sessions.save(session(sid));

        StoredEvent response = events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", "{\"result\":{}}", true)
                .join().orElseThrow();

        assertThat(readAll("r1")).containsExactly(response);
        assertThat(events.lastEntryId(sid, "r1")).isEqualTo(response.id().entryId());
        assertThat(events.stream(sid, "r1")).hasValueSatisfying(info -> assertThat(info.closed()).isTrue());
    }

    @Test
    void trimRemovesEventsOlderThanTheCutoff() {
        sessions.save(session(sid));
        List<StoredEvent> old = appendAll("r1", 3);
        clock.advance(Duration.ofHours(2));
        List<StoredEvent> recent = appendAll("r1", 2);
        List<StoredEvent> otherStream = appendAll("r2", 1);

        long removed = events.trim(T0.plus(Duration.ofHours(1)), KEEP_CLOSED);

        assertThat(removed).isIn(3L, -1L);
        assertThat(readAll("r1")).containsExactlyElementsOf(recent);
        assertThat(readAll("r2")).containsExactlyElementsOf(otherStream);
        assertThat(events.isKnownPosition(sid, "r1", old.get(1).id().entryId())).as("trimmed").isTrue();
    }

    @Test
    void positionsStayKnownAfterTrimEmptiedTheStream() {
        sessions.save(session(sid));
        List<StoredEvent> old = appendAll("r1", 3);
        clock.advance(Duration.ofHours(2));

        events.trim(clock.instant(), KEEP_CLOSED);

        assertThat(readAll("r1")).isEmpty();
        assertThat(events.lastEntryId(sid, "r1")).isEqualTo(EventId.START);
        assertThat(events.isKnownPosition(sid, "r1", old.get(2).id().entryId())).isTrue();
        assertThat(events.isKnownPosition(sid, "r1", Long.toString(counter(old.get(2).id().entryId()) + 1)))
                .isFalse();
        StoredEvent next = events.append(sid, "r1", Direction.SERVER_TO_CLIENT, "{}");
        assertThat(counter(next.id().entryId())).isGreaterThan(counter(old.get(2).id().entryId()));
    }

    @Test
    void trimRemovesAClosedStreamWithItsLastEvent() {
        sessions.save(session(sid));
        events.openStream(sid, "r1", StreamKind.RESPONSE, "node-a");
        List<StoredEvent> answered = appendAll("r1", 2);
        events.closeStream(sid, "r1");
        events.openStream(sid, "r2", StreamKind.RESPONSE, "node-a");
        appendAll("r2", 1);
        clock.advance(Duration.ofHours(2));
        List<StoredEvent> recent = appendAll("r2", 1);
        events.closeStream(sid, "r2");

        events.trim(T0.plus(Duration.ofHours(1)), KEEP_CLOSED);

        assertThat(events.stream(sid, "r1")).isEmpty();
        assertThat(events.isKnownPosition(sid, "r1", answered.get(1).id().entryId())).isFalse();
        assertThat(events.stream(sid, "r2")).as("closed, one event left").isPresent();
        assertThat(readAll("r2")).containsExactlyElementsOf(recent);
    }

    @Test
    void trimRemovesAStreamClosedBeforeTheClosedCutoffWholeWhateverTheAgeOfItsEvents() {
        sessions.save(session(sid));
        events.openStream(sid, "r1", StreamKind.RESPONSE, "node-a");
        List<StoredEvent> answered = appendAll("r1", 2);
        events.closeStream(sid, "r1");
        events.openStream(sid, "listen", StreamKind.LISTENING, "node-a");
        List<StoredEvent> listened = appendAll("listen", 1);
        clock.advance(Duration.ofMinutes(10));
        events.openStream(sid, "r2", StreamKind.RESPONSE, "node-a");
        List<StoredEvent> recent = appendAll("r2", 1);
        events.closeStream(sid, "r2");

        long removed = events.trim(T0.minus(Duration.ofHours(1)), T0.plus(Duration.ofMinutes(5)));

        assertThat(removed).isIn(2L, -1L);
        assertThat(events.stream(sid, "r1")).as("closed at T0").isEmpty();
        assertThat(readAll("r1")).isEmpty();
        assertThat(events.isKnownPosition(sid, "r1", answered.get(1).id().entryId())).isFalse();
        assertThat(readAll("listen")).as("open since T0").containsExactlyElementsOf(listened);
        assertThat(events.stream(sid, "r2")).as("closed at T0 + 10 min").isPresent();
        assertThat(readAll("r2")).containsExactlyElementsOf(recent);
    }

    @Test
    void trimRemovesEveryStreamClosedBeforeTheCutoffHoweverManyThereAre() {
        sessions.save(session(sid));
        int calls = 1_201; // more than one chunk of the SQLite store's
        List<CompletableFuture<Optional<StoredEvent>>> answered = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            answered.add(events.openResponseStream(sid, "r" + i, "node-a", "{\"id\":" + i + "}",
                    "{\"id\":" + i + ",\"result\":{}}", true));
        }
        answered.forEach(CompletableFuture::join);
        events.openResponseStream(sid, "open", "node-a", "{\"id\":-1}", null, false).join();
        clock.advance(Duration.ofMinutes(11));

        long removed = events.trim(T0.minus(Duration.ofHours(1)), clock.instant().minus(Duration.ofMinutes(10)));

        assertThat(removed).isIn(2L * calls, -1L);
        assertThat(events.stream(sid, "r0")).isEmpty();
        assertThat(events.stream(sid, "r" + (calls - 1))).isEmpty();
        assertThat(readAll("open")).hasSize(1);
    }

    @Test
    void openResponseStreamAgainWithItsLastEventClosesAStreamOpenedBefore() {
        sessions.save(session(sid));
        events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", null, false).join();

        events.openResponseStream(sid, "r1", "node-a", "{\"id\":1}", null, true).join();

        assertThat(events.stream(sid, "r1")).hasValueSatisfying(info -> assertThat(info.closed()).isTrue());
        events.trim(T0.minus(Duration.ofHours(1)), T0.plusMillis(1));
        assertThat(events.stream(sid, "r1")).as("its closing time was recorded").isEmpty();
    }

    @Test
    void everyWayOfClosingAStreamRecordsWhenAndClosingAgainKeepsTheFirstTime() {
        sessions.save(session(sid));
        events.openResponseStream(sid, "answered-at-once", "node-a", "{\"id\":1}", "{\"result\":{}}", true).join();
        events.openResponseStream(sid, "request-only", "node-a", "{\"id\":2}", null, true).join();
        events.openStream(sid, "closed", StreamKind.RESPONSE, "node-a");
        events.closeStream(sid, "closed");
        events.openStream(sid, "append-and-close", StreamKind.RESPONSE, "node-a");
        events.appendAndClose(sid, "append-and-close", Direction.SERVER_TO_CLIENT, "{\"result\":{}}");
        events.openStream(sid, "async", StreamKind.RESPONSE, "node-a");
        events.appendAndCloseAsync(sid, "async", Direction.SERVER_TO_CLIENT, "{\"result\":{}}").join();
        events.openResponseStream(sid, "after", "node-a", "{\"id\":3}", null, false).join();
        events.appendAfter(sid, "after", 1, Direction.SERVER_TO_CLIENT, "{\"result\":{}}", true).join();
        events.openResponseStream(sid, "still-open", "node-a", "{\"id\":4}", "{\"method\":\"m\"}", false).join();
        clock.advance(Duration.ofMinutes(10));
        events.closeStream(sid, "closed");

        events.trim(T0.minus(Duration.ofHours(1)), T0.plusMillis(1));

        for (String closed : List.of("answered-at-once", "request-only", "closed", "append-and-close", "async",
                "after")) {
            assertThat(events.stream(sid, closed)).as(closed).isEmpty();
            assertThat(readAll(closed)).as(closed).isEmpty();
        }
        assertThat(events.stream(sid, "still-open")).isPresent();
        assertThat(readAll("still-open")).hasSize(2);
    }

    @Test
    void concurrentAppendsToOneStreamGetUniqueGapFreeIds() throws Exception {
        int threads = 8;
        int perThread = 50;
        List<Callable<Void>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String writer = "w" + t;
            writers.add(() -> {
                for (int i = 0; i < perThread; i++) {
                    events.append(sid, "r1", Direction.SERVER_TO_CLIENT, message(writer, i));
                }
                return null;
            });
        }

        runConcurrently(writers);

        List<StoredEvent> read = readAll("r1");
        List<Long> counters = read.stream().map(e -> counter(e.id().entryId())).toList();
        assertThat(read).hasSize(threads * perThread);
        assertThat(read.stream().map(StoredEvent::message).distinct()).hasSize(threads * perThread);
        assertThat(counters).isSorted().doesNotHaveDuplicates();
        assertThat(counters.get(counters.size() - 1) - counters.get(0)).isEqualTo(threads * perThread - 1);
    }
}
