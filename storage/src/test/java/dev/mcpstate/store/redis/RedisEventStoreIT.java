package dev.mcpstate.store.redis;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventStoreContract;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.testing.RedisTestServer;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmptyRedisBeforeEach.class)
class RedisEventStoreIT extends EventStoreContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.redis(RedisTestServer.url());
    }

    @Override
    protected boolean checksPrecedingEvents() {
        return true;
    }

    @Test
    void everyKeyOfASessionCarriesItsHashTagAndACleanupExpiryAndItsIndexEntriesAreInItsBucket() {
        try (Storage storage = Storage.open(config().toBuilder().redisKeyPrefix("tagged").build(), clock)) {
            String sid = newSessionId();
            storage.sessions().save(session(sid));
            storage.sessions().touch(sid, clock.instant());
            storage.sessions().updateStatus(sid, SessionStatus.CLOSED);
            storage.events().openStream(sid, "listen", StreamKind.LISTENING, "node-a");
            storage.events().append(sid, "listen", Direction.SERVER_TO_CLIENT, "{}");
            storage.events().append(sid, "r1", Direction.SERVER_TO_CLIENT, "{}");
            RedisClusterCommands<String, String> redis = ((RedisBackend) storage.backend()).database().sync();

            List<String> keys = redis.keys("tagged:*");

            int bucket = RedisKeys.bucketOf(sid);
            List<String> ofTheSession = List.of("tagged:{" + sid + "}:session", "tagged:{" + sid + "}:streams",
                    "tagged:{" + sid + "}:event-streams", "tagged:{" + sid + "}:seq",
                    "tagged:{" + sid + "}:events:listen", "tagged:{" + sid + "}:events:r1");
            assertThat(keys).containsExactlyInAnyOrderElementsOf(concat(ofTheSession,
                    List.of("tagged:sessions:{" + bucket + "}", "tagged:sessions:{" + bucket + "}:terminal")));
            assertThat(ofTheSession).allSatisfy(k -> assertThat(SlotHash.getSlot(k)).as(k)
                    .isEqualTo(SlotHash.getSlot("{" + sid + "}")));
            ofTheSession.forEach(k -> assertThat(redis.pttl(k)).as(k)
                    .isPositive().isLessThanOrEqualTo(((RedisBackend) storage.backend()).database().cleanupTtlMillis()));
            assertThat(redis.zscore("tagged:sessions:{" + bucket + "}", sid)).isEqualTo((double) clock.millis());
            assertThat(redis.smembers("tagged:sessions:{" + bucket + "}:terminal")).containsExactly(sid);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void entryIdsAreStreamEntryIdsCountedPerSession() {
        String sid = newSessionId();

        String first = events.append(sid, "a", Direction.SERVER_TO_CLIENT, "{}").id().entryId();
        String second = events.append(sid, "b", Direction.SERVER_TO_CLIENT, "{}").id().entryId();
        String otherSession = events.append(newSessionId(), "a", Direction.SERVER_TO_CLIENT, "{}").id().entryId();

        assertThat(List.of(first, second, otherSession)).containsExactly("1-0", "2-0", "1-0");
        assertThat(events.isKnownPosition(sid, "a", "1")).as("short form").isTrue();
        assertThat(events.readAfter(sid, "b", "1", 10)).hasSize(1);
    }
}
