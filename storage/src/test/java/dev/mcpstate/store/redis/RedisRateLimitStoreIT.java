package dev.mcpstate.store.redis;

import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.RateLimitStoreContract;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.internal.TokenBucket;
import dev.mcpstate.testing.RedisTestServer;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmptyRedisBeforeEach.class)
class RedisRateLimitStoreIT extends RateLimitStoreContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.redis(RedisTestServer.url());
    }

    @Test
    void twoNodesOnOneRedisShareTheBucketAtomically() throws Exception {
        RateLimitStore otherNode = open(100).rateLimits(); // its own connection

        assertThat(allowedOf(concurrentTakes(List.of(limits, otherNode), "hot", 24, 7))).isEqualTo(7);
    }

    @Test
    void aBucketIsOneKeyUnderThePrefixThatExpiresWhenIdle() {
        try (Storage storage = Storage.open(config().toBuilder().redisKeyPrefix("limited").build(), clock)) {
            storage.rateLimits().take("principal:alice", 5, 2);
            RedisClusterCommands<String, String> redis = ((RedisBackend) storage.backend()).database().sync();

            assertThat(redis.keys("limited:*")).containsExactly("limited:ratelimit:principal:alice");
            assertThat(redis.hgetall("limited:ratelimit:principal:alice"))
                    .containsEntry("tokens", "4").containsEntry("at", Long.toString(clock.millis()));
            assertThat(redis.pttl("limited:ratelimit:principal:alice")).isPositive()
                    .isLessThanOrEqualTo(TokenBucket.idleExpiryMillis(5, 2));
        }
    }

    /** What a cluster client sends on its own schedule: topology refreshes, pings. */
    private static final Pattern ADMINISTRATION = Pattern.compile("cluster\\|.*|client\\|.*|info|ping|command.*");

    @Test
    void aTakeIsOneScriptCall() {
        try (Storage storage = Storage.open(config(), clock)) {
            RateLimitStore store = storage.rateLimits();
            store.take("principal:alice", 5, 1); // loads the script into the cache of the Redis serving the key
            RedisClusterCommands<String, String> redis = ((RedisBackend) storage.backend()).database()
                    .syncToMasterOf(new RedisKeys(StorageConfig.DEFAULT_REDIS_KEY_PREFIX).rateLimit("principal:alice"));
            redis.configResetstat();

            store.take("principal:alice", 5, 1);
            store.take("principal:alice", 5, 1);

            String stats = redis.info("commandstats");
            assertThat(stats).contains("cmdstat_evalsha:calls=2,");
            assertThat(stats.lines().filter(l -> l.startsWith("cmdstat_")).map(l -> l.substring(8, l.indexOf(':')))
                    .filter(command -> !ADMINISTRATION.matcher(command).matches())
                    .toList()).as("commands since the reset: the script's own, in it, and nothing else")
                    .containsExactlyInAnyOrder("config|resetstat", "evalsha", "hmget", "hset", "pexpire");
        }
    }
}
