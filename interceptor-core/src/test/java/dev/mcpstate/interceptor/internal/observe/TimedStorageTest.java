package dev.mcpstate.interceptor.internal.observe;

import dev.mcpstate.interceptor.ops.McpStateMetrics;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Store calls timed through the wrapper: successes and failures alike, in series of one tag-key set. */
class TimedStorageTest {

    @Test
    void aFailedStoreCallIsTimedWithItsErrorTypeUnderTheSameTagKeysAsASuccess() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Storage storage = TimedStorage.wrap(Storage.open(StorageConfig.inMemory(), new MutableClock()),
                registry)) {
            assertThat(storage.sessions().find("no-such-session")).isEmpty();
            assertThatThrownBy(() -> storage.sessions().find(null)).isInstanceOf(NullPointerException.class);
        }

        var timers = registry.find(McpStateMetrics.STORE_OPERATION_DURATION).timers();
        assertThat(timers).anySatisfy(t -> {
            assertThat(t.getId().getTag(McpStateMetrics.ERROR_TYPE)).isEqualTo("NullPointerException");
            assertThat(t.count()).isEqualTo(1);
        });
        assertThat(timers).anySatisfy(t -> {
            assertThat(t.getId().getTag(McpStateMetrics.DB_OPERATION)).isEqualTo("sessions.find");
            assertThat(t.getId().getTag(McpStateMetrics.ERROR_TYPE)).isEmpty();
            assertThat(t.count()).isEqualTo(1);
        });
        Set<Set<String>> keySets = timers.stream().map(TimedStorageTest::keys).collect(Collectors.toSet());
        assertThat(keySets).as("Prometheus registries refuse a series of other keys").hasSize(1);
    }

    private static Set<String> keys(Meter meter) {
        return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
    }
}
