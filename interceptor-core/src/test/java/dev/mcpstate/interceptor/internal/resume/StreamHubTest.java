package dev.mcpstate.interceptor.internal.resume;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class StreamHubTest {

    private final StreamHub hub = new StreamHub(Storage.open(StorageConfig.inMemory(), new MutableClock()).events());

    @Test
    void anAppendRunsTheFollowersCallbackOnTheAppendingThreadOnceItIsStored() {
        AtomicInteger changes = new AtomicInteger();
        try (StreamHub.Subscription ignored = hub.follow("s", "r1", changes::incrementAndGet)) {
            hub.append("s", "r1", Direction.SERVER_TO_CLIENT, "{}");
            hub.appendAsync("s", "r1", Direction.SERVER_TO_CLIENT, "{}", true).join();

            assertThat(changes).hasValue(2);
        }
        hub.append("s", "r1", Direction.SERVER_TO_CLIENT, "{}");
        assertThat(changes).as("not after the subscription closed").hasValue(2);
    }

    @Test
    void severalEventsAppendedInOneWriteWakeAFollowerOnce() {
        AtomicInteger changes = new AtomicInteger();
        try (StreamHub.Subscription ignored = hub.follow("s", "r1", changes::incrementAndGet)) {
            hub.appendAllAfter("s", "r1", 0, Direction.SERVER_TO_CLIENT, List.of("{}", "{}", "{}"), true).join();

            assertThat(changes).hasValue(1);
        }
    }

    @Test
    void appendsToAnotherStreamDoNotWakeAFollower() {
        AtomicInteger changes = new AtomicInteger();
        try (StreamHub.Subscription ignored = hub.follow("s", "r1", changes::incrementAndGet)) {
            hub.append("s", "r2", Direction.SERVER_TO_CLIENT, "{}");

            assertThat(changes).hasValue(0);
        }
    }

    @Test
    void aStreamIsForgottenOnceItsLastFollowerLeaves() {
        StreamHub.Subscription first = hub.follow("s", "listen", () -> { });
        StreamHub.Subscription second = hub.follow("s", "listen", () -> { });
        assertThat(hub.followedStreams()).isEqualTo(1);

        first.close();
        first.close();
        assertThat(hub.followedStreams()).isEqualTo(1);
        second.close();
        assertThat(hub.followedStreams()).isZero();
    }
}
