package dev.mcpstate.store.redis;

import dev.mcpstate.store.RequestStateLedgerContract;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.RedisTestServer;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmptyRedisBeforeEach.class)
class RedisRequestStateLedgerIT extends RequestStateLedgerContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.redis(RedisTestServer.url());
    }

    @Test
    void aUseIsOneKeyUnderThePrefixThatExpiresWithTheState() {
        try (Storage storage = Storage.open(config().toBuilder().redisKeyPrefix("ledger").build(), clock)) {
            storage.requestStates().claim("d1g3st", clock.instant().plus(Duration.ofMinutes(10)));
            RedisClusterCommands<String, String> redis = ((RedisBackend) storage.backend()).database().sync();

            assertThat(redis.keys("ledger:*")).containsExactly("ledger:requeststate:d1g3st");
            assertThat(redis.pttl("ledger:requeststate:d1g3st")).isPositive()
                    .isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
        }
    }
}
