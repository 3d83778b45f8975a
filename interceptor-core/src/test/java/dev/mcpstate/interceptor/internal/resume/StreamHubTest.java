package dev.mcpstate.interceptor.internal.resume;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class StreamHubTest {

    private final StreamHub hub = new StreamHub(Storage.open(StorageConfig.inMemory(), new MutableClock()).events());

    @Test
    void anAppendAfterTheVersionWasReadEndsTheWaitAtOnce() throws Exception {
        try (StreamHub.Subscription changes = hub.follow("s", "r1")) {
            long seen = changes.version();
            hub.append("s", "r1", Direction.SERVER_TO_CLIENT, "{}");

            assertThat(changes.await(seen, Duration.ofSeconds(30))).isTrue();
            assertThat(changes.await(changes.version(), Duration.ofMillis(1))).isFalse();
        }
    }

    @Test
    void appendsToAnotherStreamDoNotWakeAFollower() throws Exception {
        try (StreamHub.Subscription changes = hub.follow("s", "r1")) {
            long seen = changes.version();
            hub.append("s", "r2", Direction.SERVER_TO_CLIENT, "{}");

            assertThat(changes.await(seen, Duration.ofMillis(1))).isFalse();
        }
    }

    @Test
    void aStreamIsForgottenOnceItsLastFollowerLeaves() {
        StreamHub.Subscription first = hub.follow("s", "listen");
        StreamHub.Subscription second = hub.follow("s", "listen");
        assertThat(hub.followedStreams()).isEqualTo(1);

        first.close();
        first.close();
        assertThat(hub.followedStreams()).isEqualTo(1);
        second.close();
        assertThat(hub.followedStreams()).isZero();
    }
}
