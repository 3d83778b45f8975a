package dev.mcpstate.store.memory;

import dev.mcpstate.store.RateLimitStoreContract;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.internal.TokenBucket;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRateLimitStoreTest extends RateLimitStoreContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.inMemory();
    }

    @Test
    void idleBucketsAreSweptByALaterTake() {
        InMemoryRateLimitStore store = (InMemoryRateLimitStore) limits;
        limits.take("a", 2, 1);
        limits.take("b", 2, 1);
        clock.advance(Duration.ofMillis(TokenBucket.idleExpiryMillis(2, 1)));

        limits.take("c", 2, 1);

        assertThat(store.size()).as("a and b swept, c kept").isEqualTo(1);
    }
}
