package dev.mcpstate.store.redis;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStoreContract;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestServer;
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
}
