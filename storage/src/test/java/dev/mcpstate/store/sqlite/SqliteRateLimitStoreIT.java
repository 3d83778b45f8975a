package dev.mcpstate.store.sqlite;

import dev.mcpstate.store.RateLimitStore;
import dev.mcpstate.store.RateLimitStoreContract;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.internal.TokenBucket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteRateLimitStoreIT extends RateLimitStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StorageConfig config() {
        return StorageConfig.sqlite(dir.resolve("state.db"));
    }

    @Test
    void twoStoragesOnOneFileShareTheBucketAtomically() throws Exception {
        RateLimitStore other = open(100).rateLimits(); // a second writer connection, as another process has

        assertThat(allowedOf(concurrentTakes(List.of(limits, other), "hot", 24, 7))).isEqualTo(7);
    }

    @Test
    void expiredRowsAreDeletedByLaterTakesAndTheVersionIsRecorded() {
        limits.take("a", 2, 1);
        limits.take("b", 2, 1);
        clock.advance(Duration.ofMillis(TokenBucket.idleExpiryMillis(2, 1)));

        limits.take("c", 2, 1);

        SqliteDatabase db = ((SqliteBackend) open(100).backend()).database();
        List<String> buckets = db.read("buckets", tx -> tx.strings("SELECT bucket FROM rate_limits"));
        Long version = db.read("version", tx -> tx.firstLong(
                "SELECT version FROM schema_version WHERE component = ?", SqliteSchema.RATE_LIMIT_COMPONENT));
        assertThat(buckets).containsExactly("c");
        assertThat(version).isEqualTo(SqliteSchema.RATE_LIMIT_VERSION);
    }
}
