package dev.mcpstate.store.redis;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sidecar's key bases: one per tenant, one hash slot per tenant, never two tenants on one base. */
class RedisSidecarKeysTest {

    private final RedisKeys keys = new RedisKeys("mcp");

    @Test
    void theAnonymousTenantKeepsTheOriginalBase() {
        assertThat(keys.sidecarBase(null)).isEqualTo("mcp:sidecar:{sc}:").isEqualTo(keys.sidecarBase());
        assertThat(keys.legacySidecarTenants()).isEqualTo("mcp:sidecar:tenants");
    }

    @Test
    void aNamedTenantHasItsOwnHashTagWithSeparatorsPercentEncoded() {
        assertThat(keys.sidecarBase("alice")).isEqualTo("mcp:sidecar:{sc:alice}:");
        assertThat(keys.sidecarBase("a:b{c}%")).isEqualTo("mcp:sidecar:{sc:a%3Ab%7Bc%7D%25}:");
        assertThat(keys.sidecarBase("ü")).isEqualTo("mcp:sidecar:{sc:ü}:");
        assertThatThrownBy(() -> keys.sidecarBase("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyKeyOfATenantSharesOneSlotAndBasesNeverRepeat() {
        List<String> tenants = List.of("alice", "bob", "a", "a:b", "a}:kv:val", "{sc}", "%3A", ":", "%");
        Set<String> bases = new HashSet<>();
        bases.add(keys.sidecarBase());
        for (String tenant : tenants) {
            String base = keys.sidecarBase(tenant);
            assertThat(bases.add(base)).as(tenant).isTrue();
            // the tag ends at the first '}', which the encoding keeps out of the name
            assertThat(base.indexOf('}')).isEqualTo(base.length() - 2);
            int slot = SlotHash.getSlot(base);
            for (String suffix : List.of("seq", "kv:val", "h:all", "h:k:}:x", "wf:wf-0123456789ab:steps")) {
                assertThat(SlotHash.getSlot(base + suffix)).as(tenant + " " + suffix).isEqualTo(slot);
            }
        }
        assertThat(SlotHash.getSlot(keys.sidecarBase("alice"))).isNotEqualTo(SlotHash.getSlot(keys.sidecarBase()));
    }
}
