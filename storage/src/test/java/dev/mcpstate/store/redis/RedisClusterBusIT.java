package dev.mcpstate.store.redis;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster bus between two nodes on one Redis: wake-ups of appends, session changes and ends, server changes,
 * liveness, turns.
 */
@ExtendWith(EmptyRedisBeforeEach.class)
class RedisClusterBusIT {

    private final MutableClock clock = new MutableClock();
    private Storage nodeA;
    private Storage nodeB;
    private ClusterBus busA;
    private ClusterBus busB;

    /** @return the Redis the two nodes share */
    protected StorageConfig config() {
        return StorageConfig.redis(RedisTestServer.url());
    }

    /** After the Redis is emptied: the buses' heartbeat keys must survive into the test. */
    @BeforeEach
    void open() {
        nodeA = Storage.open(config(), clock);
        nodeB = Storage.open(config(), clock);
        busA = nodeA.openBus("a#1", Duration.ofSeconds(1), Duration.ofSeconds(5));
        busB = nodeB.openBus("b#1", Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        busA.close();
        busB.close();
        nodeA.close();
        nodeB.close();
    }

    @Test
    void anAppendOnOneNodeWakesTheNodeWatchingItsSession() {
        List<String> woken = new CopyOnWriteArrayList<>();
        busB.onAppend((session, stream) -> woken.add(session + "/" + stream));
        busB.watch("s1");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            nodeA.events().append("s1", "listen", Direction.SERVER_TO_CLIENT, "{}");
            assertThat(woken).contains("s1/listen");
        });

        nodeA.events().append("s2", "listen", Direction.SERVER_TO_CLIENT, "{}"); // not watched
        nodeA.events().append("s1", "r1", Direction.SERVER_TO_CLIENT, "{}");

        await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains("s1/r1"));
        assertThat(woken).noneMatch(w -> w.startsWith("s2/"));
    }

    @Test
    void theLastUnwatchStopsTheWakeUps() {
        List<String> woken = new CopyOnWriteArrayList<>();
        busB.onAppend((session, stream) -> woken.add(stream));
        busB.watch("s1");
        busB.watch("s1");
        busB.unwatch("s1");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            nodeA.events().append("s1", "still", Direction.SERVER_TO_CLIENT, "{}");
            assertThat(woken).contains("still");
        });

        busB.unwatch("s1");
        // a marker session proves the later appends were delivered, if they were going to be
        List<String> marker = new CopyOnWriteArrayList<>();
        busB.onAppend((session, stream) -> {
            if (session.equals("marker")) {
                marker.add(stream);
            }
        });
        busB.watch("marker");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            nodeA.events().append("s1", "gone", Direction.SERVER_TO_CLIENT, "{}");
            nodeA.events().append("marker", "m", Direction.SERVER_TO_CLIENT, "{}");
            assertThat(marker).isNotEmpty();
        });
        assertThat(woken).doesNotContain("gone");
    }

    @Test
    void sessionEndsReachEveryNodeThisOneIncludedAndChangesEveryOtherNode() {
        List<String> seenByA = new CopyOnWriteArrayList<>();
        List<String> seenByB = new CopyOnWriteArrayList<>();
        busA.onSessionEnded(id -> seenByA.add("ended " + id));
        busB.onSessionEnded(id -> seenByB.add("ended " + id));
        busA.onSessionChanged(id -> seenByA.add("changed " + id));
        busB.onSessionChanged(id -> seenByB.add("changed " + id));

        busA.publishSessionChanged("s1");
        busB.publishSessionEnded("s1");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(seenByA).containsExactly("ended s1");
            assertThat(seenByB).containsExactly("changed s1", "ended s1");
        });
    }

    @Test
    void serverChangesReachEveryOtherNodeInOrderAndNeverThePublisher() {
        List<String> seenByA = new CopyOnWriteArrayList<>();
        List<String> seenByB = new CopyOnWriteArrayList<>();
        busA.onServerChange(seenByA::add);
        busB.onServerChange(seenByB::add);

        for (int i = 0; i < 20; i++) {
            busA.publishServerChange("{\"n\":" + i + "}");
        }
        busB.publishServerChange("{\"from\":\"b\"}");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(seenByB).hasSize(20);
            assertThat(seenByA).containsExactly("{\"from\":\"b\"}");
        });
        assertThat(seenByB).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> "{\"n\":" + i + "}").toList());
    }

    @Test
    void aResponseRoutedToANodeReachesItAndSaysWhetherItWasThere() {
        List<String> gotByA = new CopyOnWriteArrayList<>();
        busA.onResponse((session, response) -> gotByA.add(session + " " + response));

        assertThat(busB.sendResponse("a#1", "s1", "{\"id\":1}")).isTrue();
        assertThat(busB.sendResponse("gone#1", "s1", "{\"id\":2}")).as("nobody listens for gone#1").isFalse();

        await().atMost(Duration.ofSeconds(5)).until(() -> gotByA.contains("s1 {\"id\":1}"));
        assertThat(gotByA).hasSize(1);
    }

    @Test
    void aNodeIsAliveWhileItBeatsAndNotAfterItCloses() {
        assertThat(busA.isAlive("b#1")).isTrue();
        assertThat(busA.isAlive("c#1")).isFalse();

        busB.close();

        assertThat(busA.isAlive("b#1")).isFalse();
    }

    @Test
    void aTurnBelongsToOneNodeAtATimeWhichRenewsItAndGivesItUpOnClose() {
        Duration turn = Duration.ofMinutes(2);

        assertThat(busA.claimTurn("retention", turn)).isTrue();
        assertThat(busB.claimTurn("retention", turn)).as("A holds it").isFalse();
        assertThat(busA.claimTurn("retention", turn)).as("renewed by its holder").isTrue();
        assertThat(busB.claimTurn("other-task", turn)).as("turns are per task").isTrue();

        busA.close();

        assertThat(busB.claimTurn("retention", turn)).as("given up on close").isTrue();
        assertThat(busB.claimTurn("retention", turn)).isTrue();
        assertThat(busA.claimTurn("other-task", turn)).as("a closed bus claims none").isFalse();
    }

    @Test
    void aTurnNotRenewedPassesToAnotherNodeOnceItExpires() {
        assertThat(busA.claimTurn("retention", Duration.ofMillis(200))).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> busB.claimTurn("retention", Duration.ofMinutes(2)));
        assertThat(busA.claimTurn("retention", Duration.ofMinutes(2))).as("B holds it now").isFalse();
    }
}
