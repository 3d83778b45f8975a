package dev.mcpstate.interceptor.internal.resume;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One producer's events on one stream: one write on its way at a time, the rest batched behind it. */
class GroupCommitTest {

    private final Storage storage = Storage.open(StorageConfig.inMemory(), new MutableClock());
    private final StreamHub hub = new StreamHub(storage.events());
    private final List<Held> writes = new ArrayList<>();

    /** A write the test lets reach the store ({@link #land}) or fail ({@link #fail}) when it chooses. */
    private record Held(long preceding, List<String> messages, boolean last,
            CompletableFuture<List<StoredEvent>> result) {
    }

    private CompletableFuture<List<StoredEvent>> hold(long preceding, List<String> messages, boolean last) {
        Held held = new Held(preceding, messages, last, new CompletableFuture<>());
        synchronized (writes) {
            writes.add(held);
        }
        return held.result();
    }

    private void land(int write) {
        Held held = writes.get(write);
        hub.appendAllAfter("s", "r1", held.preceding(), Direction.SERVER_TO_CLIENT, held.messages(), held.last())
                .whenComplete((events, e) -> {
                    if (e != null) {
                        held.result().completeExceptionally(e);
                    } else {
                        held.result().complete(events);
                    }
                });
    }

    private void fail(int write) {
        writes.get(write).result().completeExceptionally(new StoreException("connection lost"));
    }

    private List<String> stored() {
        return storage.events().readAfter("s", "r1", EventId.START, 1000).stream().map(StoredEvent::message)
                .toList();
    }

    @Test
    void eventsThatComeWhileTheOpeningWriteIsOnItsWayGoTogetherBehindIt() {
        CompletableFuture<Void> opening = new CompletableFuture<>();
        GroupCommit commits = new GroupCommit(this::hold, Runnable::run, 0, opening);

        List<CompletableFuture<StoredEvent>> events = List.of(commits.append("a", false), commits.append("b", false),
                commits.append("c", false));
        assertThat(writes).as("nothing overtakes the opening write").isEmpty();

        opening.complete(null);
        assertThat(writes).singleElement().satisfies(w -> {
            assertThat(w.preceding()).isZero();
            assertThat(w.messages()).containsExactly("a", "b", "c");
            assertThat(w.last()).isFalse();
        });
        assertThat(events).noneMatch(CompletableFuture::isDone);

        land(0);
        assertThat(events).extracting(CompletableFuture::join).extracting(StoredEvent::message)
                .containsExactly("a", "b", "c");
        assertThat(stored()).containsExactly("a", "b", "c");
    }

    @Test
    void aSlowProducerPaysOneWritePerEventAndNoWait() {
        GroupCommit commits = new GroupCommit(this::hold, Runnable::run, 2, CompletableFuture.completedFuture(null));
        storage.events().openStream("s", "r1", StreamKind.RESPONSE, "node-a");
        storage.events().appendAllAfter("s", "r1", 0, Direction.SERVER_TO_CLIENT, List.of("request", "first"), false)
                .join();

        CompletableFuture<StoredEvent> second = commits.append("second", false);
        assertThat(writes).hasSize(1);
        land(0);
        CompletableFuture<StoredEvent> answer = commits.append("answer", true);
        assertThat(writes).hasSize(2);
        assertThat(writes.get(1).preceding()).isEqualTo(3);
        assertThat(writes.get(1).last()).isTrue();
        land(1);

        assertThat(second.join().message()).isEqualTo("second");
        assertThat(answer.join().message()).isEqualTo("answer");
        assertThat(stored()).containsExactly("request", "first", "second", "answer");
        assertThat(storage.events().stream("s", "r1")).hasValueSatisfying(s -> assertThat(s.closed()).isTrue());
    }

    @Test
    void aBatchHoldsAtMostMaxEventsAndEndsWithTheStreamsFinalEvent() {
        CompletableFuture<Void> opening = new CompletableFuture<>();
        GroupCommit commits = new GroupCommit(this::hold, Runnable::run, 0, opening);
        int count = GroupCommit.MAX_EVENTS + 6;
        List<CompletableFuture<StoredEvent>> events = new ArrayList<>();
        IntStream.range(0, count).forEach(i -> events.add(commits.append("e" + i, i == count - 1)));

        opening.complete(null);
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).messages()).hasSize(GroupCommit.MAX_EVENTS);
        land(0);
        assertThat(writes).hasSize(2);
        assertThat(writes.get(1).preceding()).isEqualTo(GroupCommit.MAX_EVENTS);
        assertThat(writes.get(1).messages()).hasSize(6).last().isEqualTo("e" + (count - 1));
        assertThat(writes.get(1).last()).isTrue();
        land(1);

        assertThat(events).allMatch(e -> !e.isCompletedExceptionally() && e.isDone());
        assertThat(stored()).hasSize(count).last().isEqualTo("e" + (count - 1));
    }

    @Test
    void aLostWriteFailsEveryEventQueuedBehindItAndEveryLaterOneWithoutWriting() {
        GroupCommit commits = new GroupCommit(this::hold, Runnable::run, 0, CompletableFuture.completedFuture(null));
        CompletableFuture<StoredEvent> first = commits.append("a", false);
        CompletableFuture<StoredEvent> queued = commits.append("b", false);

        fail(0);
        CompletableFuture<StoredEvent> later = commits.append("c", true);

        for (CompletableFuture<StoredEvent> event : List.of(first, queued, later)) {
            assertThatThrownBy(event::join).hasRootCauseInstanceOf(StoreException.class)
                    .hasRootCauseMessage("connection lost");
        }
        assertThat(writes).as("nothing is sent behind the lost write").hasSize(1);
        assertThat(stored()).isEmpty();
    }

    @Test
    void aBatchThatWaitedIsSentByTheSenderNotByTheThreadThatCompletedTheWriteBeforeIt() {
        List<Runnable> sender = new ArrayList<>();
        CompletableFuture<Void> opening = new CompletableFuture<>();
        GroupCommit commits = new GroupCommit(this::hold, sender::add, 0, opening);
        commits.append("a", false);

        opening.complete(null); // as a store's I/O thread would
        assertThat(writes).isEmpty();
        assertThat(sender).hasSize(1);

        sender.get(0).run();
        assertThat(writes).singleElement().satisfies(w -> assertThat(w.messages()).containsExactly("a"));
    }

    @Test
    void aStoreThatAnswersWithTheWrongNumberOfEventsFailsTheWholeBatch() {
        GroupCommit commits = new GroupCommit((preceding, messages, last) -> CompletableFuture.completedFuture(
                List.of()), Runnable::run, 0, CompletableFuture.completedFuture(null));

        CompletableFuture<StoredEvent> event = commits.append("a", true);

        assertThatThrownBy(event::join).hasRootCauseInstanceOf(StoreException.class)
                .hasRootCauseMessage("the store returned 0 events for a write of 1");
    }

    @Test
    void aFailedOpeningWriteFailsTheEventsWaitingForIt() {
        CompletableFuture<Void> opening = new CompletableFuture<>();
        GroupCommit commits = new GroupCommit(this::hold, Runnable::run, 2, opening);
        CompletableFuture<StoredEvent> waiting = commits.append("a", false);

        opening.completeExceptionally(new StoreException("connection lost"));

        assertThatThrownBy(waiting::join).hasRootCauseMessage("connection lost");
        assertThat(commits.append("b", true)).isCompletedExceptionally();
        assertThat(writes).isEmpty();
    }
}
