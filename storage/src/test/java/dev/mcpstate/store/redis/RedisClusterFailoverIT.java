package dev.mcpstate.store.redis;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.testing.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A master of a real Redis Cluster killed under two nodes: Lettuce follows the promotion of its replica, every event
 * acknowledged with {@code WAIT 1} is still there, the bus wakes followers and routes responses again, and while the
 * new master has no replica a write waiting for one fails instead of being acknowledged.
 */
class RedisClusterFailoverIT {

    private static RedisClusterProcess cluster;
    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.launch();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private StorageConfig config(int waitReplicas) {
        StorageConfig config = StorageConfig.redisCluster(cluster.seeds());
        return waitReplicas == 0 ? config
                : config.toBuilder().waitReplicas(waitReplicas, Duration.ofMillis(500)).build();
    }

    @Test
    void acknowledgedEventsSurviveTheFailoverAndTheBusFollowsTheNewMaster() {
        String sid = UUID.randomUUID().toString();
        RedisKeys keys = new RedisKeys(StorageConfig.DEFAULT_REDIS_KEY_PREFIX);
        int doomed = cluster.masterPortOf(keys.events(sid, "r1"));
        try (Storage nodeA = Storage.open(config(1), clock); Storage nodeB = Storage.open(config(1), clock);
                ClusterBus busA = nodeA.openBus("a#1", Duration.ofMillis(200), Duration.ofSeconds(5));
                ClusterBus busB = nodeB.openBus("b#1", Duration.ofMillis(200), Duration.ofSeconds(5))) {
            List<String> woken = new CopyOnWriteArrayList<>();
            List<String> responses = new CopyOnWriteArrayList<>();
            List<String> ended = new CopyOnWriteArrayList<>();
            busA.onAppend((session, stream) -> woken.add(stream));
            busA.onResponse((session, response) -> responses.add(response));
            busA.onSessionEnded(ended::add);
            busA.watch(sid);
            nodeB.sessions().save(new SessionRecord(sid, SessionStatus.ACTIVE, "2025-11-25", null,
                    null, "{}", null, "node-b", clock.instant(), clock.instant()));
            List<StoredEvent> acknowledged = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                acknowledged.add(nodeB.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{\"n\":" + i + "}"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> woken.contains("r1"));

            cluster.kill(doomed);
            cluster.awaitHealthy();
            int promoted = cluster.masterPortOf(keys.events(sid, "r1"));
            assertThat(promoted).isNotEqualTo(doomed);

            // Lettuce follows the new master; the acknowledged events are all there, in order
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(nodeA.events()
                    .readAfter(sid, "r1", EventId.START, 100)).containsExactlyElementsOf(acknowledged));
            // the promoted master has no replica yet: a write that waits for one is not acknowledged
            assertThatThrownBy(() -> nodeB.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{}"))
                    .isInstanceOf(StoreException.class);
            // wake-ups and routed responses reach node A again once it subscribed on the new master
            try (Storage noWait = Storage.open(config(0), clock)) {
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                    woken.clear();
                    noWait.events().append(sid, "after", Direction.SERVER_TO_CLIENT, "{}");
                    assertThat(woken).contains("after");
                });
            }
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> busB.sendResponse("a#1", sid, "{\"id\":7}") && !responses.isEmpty());
            busB.publishSessionEnded(sid);
            await().atMost(Duration.ofSeconds(10)).until(() -> ended.contains(sid));
            assertThat(busB.isAlive("a#1")).isTrue();

            // the old master comes back as the new one's replica: waiting writes are acknowledged again
            cluster.restart(doomed);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                    nodeB.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{\"back\":true}") != null);
        }
    }
}
