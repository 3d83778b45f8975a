package dev.mcpstate.store.redis;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.testing.RedisProcess;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code StorageConfig.waitReplicas}: on one Redis with one replica of its own, a durable write returns only once the
 * replica has it, and fails — instead of being acknowledged — when the replica does not answer in time.
 */
class RedisWaitReplicasIT {

    private static RedisProcess master;
    private static RedisProcess replica;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> onReplica;

    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startMasterAndReplica() {
        master = RedisProcess.launch();
        replica = RedisProcess.launchReplicaOf(master);
        client = RedisClient.create(replica.url());
        onReplica = client.connect();
        await().atMost(Duration.ofSeconds(20)).until(() -> onReplica.sync().info("replication")
                .contains("master_link_status:up"));
    }

    @AfterAll
    static void stop() {
        onReplica.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        replica.close();
        master.close();
    }

    private StorageConfig waitingForOne(Duration timeout) {
        return StorageConfig.redis(master.url()).toBuilder().waitReplicas(1, timeout).build();
    }

    @Test
    void aDurableWriteReturnsOnlyOnceTheReplicaHasIt() {
        try (Storage storage = Storage.open(waitingForOne(Duration.ofMillis(500)), clock)) {
            String sid = UUID.randomUUID().toString();
            for (int i = 0; i < 20; i++) {
                StoredEvent stored = storage.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{\"n\":" + i + "}");

                // read on the replica right after the write returned: WAIT made it be there already
                assertThat(onReplica.sync().xrange(new RedisKeys("mcp").events(sid, "r1"),
                        Range.create(stored.id().entryId(), stored.id().entryId()))).as("event %d", i).hasSize(1);
            }
            assertThat(storage.events().readAfter(sid, "r1", EventId.START, 100)).hasSize(20);
        }
    }

    @Test
    void withTheReplicaHungAWriteFailsWithinTheWaitTimeoutAndReadsStillWork() {
        try (Storage storage = Storage.open(waitingForOne(Duration.ofMillis(300)), clock)) {
            String sid = UUID.randomUUID().toString();
            storage.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{\"before\":true}");
            replica.pause();
            try {
                Instant start = Instant.now();
                assertThatThrownBy(() -> storage.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{}"))
                        .isInstanceOf(StoreException.class).hasMessageContaining("0 of 1 replicas");
                assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
                assertThatThrownBy(() -> storage.events().appendAsync(sid, "r1", Direction.SERVER_TO_CLIENT, "{}")
                        .join()).hasCauseInstanceOf(StoreException.class);
                assertThat(storage.events().readAfter(sid, "r1", EventId.START, 10)).as("reads do not wait")
                        .isNotEmpty();
                assertThat(storage.available()).as("a missing acknowledgement is not an outage").isTrue();
            } finally {
                replica.resume();
            }
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                    storage.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{\"after\":true}") != null);
        }
    }

    @Test
    void withoutWaitingAWriteSucceedsWhileTheReplicaIsHung() {
        try (Storage storage = Storage.open(StorageConfig.redis(master.url()), clock)) {
            replica.pause();
            try {
                assertThat(storage.events().append(UUID.randomUUID().toString(), "r1", Direction.SERVER_TO_CLIENT,
                        "{}").id().entryId()).isEqualTo("1-0");
            } finally {
                replica.resume();
            }
        }
    }

    @Test
    void theWaitTimeoutMustBeShorterThanTheCommandTimeout() {
        assertThatThrownBy(() -> StorageConfig.redis(master.url()).toBuilder().commandTimeout(Duration.ofSeconds(1))
                .waitReplicas(1, Duration.ofSeconds(1)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("waitTimeout must be shorter than commandTimeout");
        assertThat(StorageConfig.redis(master.url()).toBuilder().waitReplicas(2, Duration.ofMillis(100)).build()
                .toString()).endsWith(" wait=2");
    }
}
