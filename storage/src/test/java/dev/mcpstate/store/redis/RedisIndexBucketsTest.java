package dev.mcpstate.store.redis;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sharded indexes: an id's bucket is fixed, a bucket's keys share a slot, the buckets spread over the slots. */
class RedisIndexBucketsTest {

    private final RedisKeys keys = new RedisKeys("mcp");

    @Test
    void anIdAlwaysLandsInTheSameBucketOfEveryIndex() {
        String sid = "7b2c0c33-4fd1-4a6e-9d0b-3f1e1b7e9a10";
        int bucket = RedisKeys.bucketOf(sid);

        assertThat(bucket).isBetween(0, RedisKeys.INDEX_BUCKETS - 1).isEqualTo(Math.floorMod(sid.hashCode(), 16));
        assertThat(keys.sessionIndexOf(sid)).isEqualTo("mcp:sessions:{" + bucket + "}");
        assertThat(keys.terminalSessionsOf(sid)).isEqualTo("mcp:sessions:{" + bucket + "}:terminal");
        assertThat(keys.sidecarTenantsOf("alice")).isEqualTo("mcp:sidecar:tenants:{" + RedisKeys.bucketOf("alice") + "}");
        assertThatThrownBy(() -> keys.sessionIndex(16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBucketsKeysShareOneSlotAndAFullScanReadsEveryBucketThenTheLegacyKey() {
        for (int b = 0; b < RedisKeys.INDEX_BUCKETS; b++) {
            int slot = SlotHash.getSlot(keys.sessionIndex(b));
            assertThat(SlotHash.getSlot(keys.terminalSessions(b))).isEqualTo(slot);
            assertThat(SlotHash.getSlot(keys.sidecarTenants(b))).isEqualTo(slot);
        }
        assertThat(keys.everySessionIndex()).hasSize(17).endsWith("mcp:sessions")
                .containsAll(IntStream.range(0, 16).mapToObj(keys::sessionIndex).toList());
        assertThat(keys.everyTerminalSet()).endsWith("mcp:sessions:terminal");
        assertThat(keys.everyTenantRegistry()).endsWith("mcp:sidecar:tenants");
    }

    @Test
    void theBucketsFallOnEveryMasterOfAThreeMasterClusterAndSessionsSpreadOverThem() {
        // redis-cli --cluster create splits the slots into 0-5460, 5461-10922, 10923-16383
        Set<Integer> thirds = new HashSet<>();
        for (int b = 0; b < RedisKeys.INDEX_BUCKETS; b++) {
            thirds.add(SlotHash.getSlot(keys.sessionIndex(b)) * 3 / SlotHash.SLOT_COUNT);
        }
        assertThat(thirds).containsExactlyInAnyOrder(0, 1, 2);

        int[] counts = new int[RedisKeys.INDEX_BUCKETS];
        Random random = new Random(42);
        List<String> ids = IntStream.range(0, 16_000)
                .mapToObj(i -> new UUID(random.nextLong(), random.nextLong()).toString()).toList();
        ids.forEach(id -> counts[RedisKeys.bucketOf(id)]++);
        assertThat(IntStream.of(counts).min().orElseThrow()).isGreaterThan(800);
        assertThat(IntStream.of(counts).max().orElseThrow()).isLessThan(1200);
    }
}
