package dev.mcpstate.store.redis;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.testing.RedisTestCluster;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The event store contract, and the Redis-specific checks, on a real Redis Cluster (3 masters, 3 replicas). Scripts run
 * as their strict twins there, so any key or shard channel a script touched in another hash slot would fail it.
 */
class RedisEventStoreOnClusterIT extends RedisEventStoreIT implements OnRedisCluster {

    @Override
    protected StorageConfig config() {
        return clusterConfig();
    }

    @Override
    protected List<String> servers() {
        return RedisTestCluster.seeds().stream().map(seed -> "redis://" + seed).toList();
    }

    @Test
    void aScriptThatTouchesAKeyOfAnotherSlotFailsOnTheCluster() {
        LuaScript crossSlot = LuaScript.load(ScriptOutputType.INTEGER, "test/cross_slot.lua");
        // slots 1584 and 1716: two slots, one master (0-5460) in a 3-master cluster, so only the one-slot rule fails it
        String mine = "t:{3}:x";
        String other = "t:{7}:x";
        assertThat(SlotHash.getSlot(mine)).isNotEqualTo(SlotHash.getSlot(other));
        try (Storage storage = Storage.open(config(), clock)) {
            RedisDatabase db = ((RedisBackend) storage.backend()).database();

            assertThatThrownBy(() -> db.run("cross-slot", crossSlot, new String[] {mine}, other))
                    .isInstanceOf(StoreException.class).hasMessageContaining("do not hash to the same slot");
            assertThat(db.<Long>run("same slot", crossSlot, new String[] {mine}, "t:{3}:y")).isEqualTo(1);
        }
    }
}
