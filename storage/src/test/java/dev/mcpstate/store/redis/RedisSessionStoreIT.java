package dev.mcpstate.store.redis;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.SessionStoreContract;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestServer;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmptyRedisBeforeEach.class)
class RedisSessionStoreIT extends SessionStoreContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.redis(RedisTestServer.url());
    }

    @Test
    void anotherNodeSeesTheSameSessionsAndEvents() {
        SessionRecord saved = session(newSessionId());
        sessions.save(saved);
        events.append(saved.sessionId(), "r1", Direction.SERVER_TO_CLIENT, "{}");

        Storage otherNode = open(100);
        {
            assertThat(otherNode.sessions().find(saved.sessionId())).contains(saved);
            assertThat(otherNode.events().readAfter(saved.sessionId(), "r1", EventId.START, 10)).hasSize(1);
        }
    }

    @Test
    void sessionsInTheSingleIndexOfBeforeTheBucketsAreStillListedAndPurged() {
        Storage storage = open(100);
        RedisClusterCommands<String, String> redis = ((RedisBackend) storage.backend()).database().sync();
        RedisKeys keys = new RedisKeys(StorageConfig.DEFAULT_REDIS_KEY_PREFIX);
        SessionRecord idle = session(newSessionId());
        SessionRecord closed = session(newSessionId()).withStatus(SessionStatus.CLOSED);
        sessions.save(idle);
        sessions.save(closed);
        // as an older version left them: in the global keys, not in the buckets
        for (SessionRecord s : new SessionRecord[] {idle, closed}) {
            redis.zrem(keys.sessionIndexOf(s.sessionId()), s.sessionId());
            redis.srem(keys.terminalSessionsOf(s.sessionId()), s.sessionId());
            redis.zadd(keys.legacySessionIndex(), s.lastSeenAt().toEpochMilli(), s.sessionId());
        }
        redis.sadd(keys.legacyTerminalSessions(), closed.sessionId());

        assertThat(sessions.list()).containsExactlyInAnyOrder(idle.sessionId(), closed.sessionId());
        assertThat(sessions.purge(idle.lastSeenAt().plusMillis(1)))
                .containsExactlyInAnyOrder(idle.sessionId(), closed.sessionId());

        assertThat(redis.exists(keys.legacySessionIndex(), keys.legacyTerminalSessions())).isZero();
        assertThat(sessions.list()).isEmpty();
    }
}
