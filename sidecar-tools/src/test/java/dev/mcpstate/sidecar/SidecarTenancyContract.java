package dev.mcpstate.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mcpstate.sidecar.SidecarStoreContract.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One principal is one tenant: what every {@link SidecarStore} must show about tenants, exercised through the
 * tools with callers in the transport context as {@link SidecarCallerExtractor} puts them there. Two principals
 * ({@code alice}, {@code bob}), the anonymous caller and an admin ({@code root}) share one storage. Subclassed
 * once per backend; time is a {@link MutableClock}.
 */
abstract class SidecarTenancyContract {

    protected final MutableClock clock = new MutableClock();
    protected Storage storage;
    protected SidecarStore store;
    private ToolHarness alice;
    private ToolHarness bob;
    private ToolHarness anonymous;
    private ToolHarness root;

    /**
     * Opens the storage under test on a clean backend; the same location every call within one test, so a
     * reopened storage sees what the previous one wrote.
     */
    protected abstract Storage openStorage(Clock clock);

    @BeforeEach
    void openStore() {
        storage = openStorage(clock);
        harnesses();
    }

    private void harnesses() {
        store = storage.sidecar();
        alice = as(SidecarCaller.principal("alice"));
        bob = as(SidecarCaller.principal("bob"));
        anonymous = as(SidecarCaller.ANONYMOUS);
        root = as(SidecarCaller.admin("root"));
    }

    private ToolHarness as(SidecarCaller caller) {
        return ToolHarness.inProcess(store, SidecarOptions.defaults(), caller);
    }

    @AfterEach
    void closeStore() {
        storage.close();
    }

    // ------------------------------------------------------------------ the views

    @Test
    void theStoragesSidecarIsTheAnonymousTenantAndViewsNameTheirTenant() {
        assertThat(store.tenant()).isNull();
        assertThat(store.forTenant(null)).isSameAs(store);
        SidecarStore aliceView = store.forTenant("alice");
        assertThat(aliceView.tenant()).isEqualTo("alice");
        assertThat(aliceView.forTenant("alice")).isSameAs(aliceView);
        assertThat(aliceView.forTenant(null).tenant()).isNull();
        assertThat(aliceView.backend()).isEqualTo(store.backend());
        assertThat(aliceView.clock()).isSameAs(store.clock());
        assertThatThrownBy(() -> store.forTenant("")).isInstanceOf(IllegalArgumentException.class);

        anonymous.call("state_set", "key", "k", "value", "anonymous");
        alice.call("state_set", "key", "k", "value", "alice");
        assertThat(store.get("k").orElseThrow().valueJson()).isEqualTo("\"anonymous\"");
        assertThat(aliceView.get("k").orElseThrow().valueJson()).isEqualTo("\"alice\"");
        assertThat(store.forTenant("bob").get("k")).isEmpty();
    }

    // ------------------------------------------------------------------ key-value

    @Test
    void aTenantsKeysAreInvisibleToOtherTenants() {
        alice.call("state_set", "key", "project/cfg", "value", Map.of("mode", "fast"), "ttl_seconds", 60);
        alice.call("state_set", "key", "project/plan", "value", 1);

        for (ToolHarness other : List.of(bob, anonymous, root)) {
            JsonNode got = other.call("state_get", "key", "project/cfg");
            assertThat(got.get("found").asBoolean()).isFalse();
            assertThat(got.get("value").isNull()).isTrue();
            assertThat(got.get("version").asLong()).isZero();
            assertThat(other.call("state_list").get("keys")).isEmpty();
            assertThat(other.call("state_list", "prefix", "project/").get("keys")).isEmpty();
            assertThat(other.call("state_delete", "key", "project/cfg").get("ok").asBoolean()).isFalse();
            assertThat(other.call("sidecar_health").get("key_count").asLong()).isZero();
            // compare-and-set "only if absent" succeeds: the key is absent in this tenant
            assertThat(other.call("state_set", "key", "project/plan", "value", "theirs", "expected_version", 0)
                    .get("ok").asBoolean()).isTrue();
        }

        assertThat(texts(alice.call("state_list", "prefix", "project/").get("keys")))
                .containsExactly("project/cfg", "project/plan");
        assertThat(alice.call("state_get", "key", "project/cfg").get("value").get("mode").asText()).isEqualTo("fast");
        assertThat(alice.call("state_get", "key", "project/plan").get("value").asInt()).isEqualTo(1);
        assertThat(alice.call("sidecar_health").get("key_count").asLong()).isEqualTo(2);
    }

    @Test
    void theSameKeyInTwoTenantsIsTwoIndependentKeys() {
        long aliceV1 = alice.call("state_set", "key", "k", "value", "a1").get("version").asLong();
        long bobV1 = bob.call("state_set", "key", "k", "value", "b1", "ttl_seconds", 1).get("version").asLong();
        assertThat(bobV1).as("versions are counted per tenant").isEqualTo(aliceV1);

        // bob's compare-and-set at his version does not care about alice's
        alice.call("state_set", "key", "k", "value", "a2");
        assertThat(bob.call("state_set", "key", "k", "value", "b2", "expected_version", bobV1, "ttl_seconds", 1)
                .get("ok").asBoolean()).isTrue();
        assertThat(alice.call("state_get", "key", "k").get("value").asText()).isEqualTo("a2");

        // bob's expiry and bob's delete leave alice's key alone
        clock.advance(Duration.ofSeconds(1));
        assertThat(bob.call("state_get", "key", "k").get("found").asBoolean()).isFalse();
        assertThat(alice.call("state_get", "key", "k").get("found").asBoolean()).isTrue();
        bob.call("state_set", "key", "k", "value", "b3");
        assertThat(bob.call("state_delete", "key", "k").get("ok").asBoolean()).isTrue();
        assertThat(alice.call("state_get", "key", "k").get("value").asText()).isEqualTo("a2");
    }

    // ------------------------------------------------------------------ workflows

    @Test
    void aTenantsRunsCannotBeSeenClaimedCheckpointedOrEndedByAnotherTenant() {
        String run = alice.call("workflow_create", "name", "nightly", "tags", Map.of("team", "search"))
                .get("run_id").asText();

        for (ToolHarness other : List.of(bob, anonymous, root)) {
            assertThat(other.call("workflow_list").get("runs")).isEmpty();
            assertThat(other.call("workflow_discover", "tags", Map.of("team", "search")).get("runs")).isEmpty();
            assertThat(other.call("workflow_discover").get("runs")).isEmpty();
            assertThat(other.error("workflow_status", "run_id", run)).contains("not found");
            assertThat(other.error("workflow_resume", "run_id", run)).contains("not found");
            JsonNode claim = other.call("workflow_claim", "run_id", run, "agent_id", "intruder");
            assertThat(claim.get("claimed").asBoolean()).isFalse();
            assertThat(claim.get("reason").asText()).contains("not found");
            assertThat(other.call("workflow_checkpoint", "run_id", run, "step", 0, "output", "x").get("ok").asBoolean())
                    .isFalse();
            assertThat(other.call("workflow_complete", "run_id", run, "agent_id", "intruder").get("ok").asBoolean())
                    .isFalse();
            assertThat(other.call("workflow_fail", "run_id", run, "agent_id", "intruder", "error", "x")
                    .get("ok").asBoolean()).isFalse();
            assertThat(other.call("sidecar_health").get("workflow_count").asLong()).isZero();
        }

        JsonNode status = alice.call("workflow_status", "run_id", run);
        assertThat(status.get("status").asText()).isEqualTo("created");
        assertThat(status.get("fencing_token").asLong()).isZero();
        assertThat(alice.call("workflow_resume", "run_id", run).get("step_outputs")).isEmpty();
        assertThat(alice.call("workflow_claim", "run_id", run, "agent_id", "a1").get("claimed").asBoolean()).isTrue();
        assertThat(alice.call("workflow_discover", "tags", Map.of("team", "search")).get("runs")).hasSize(1);
    }

    @Test
    void runsOfTwoTenantsWithTheSameIdAreIndependent() {
        // run ids are drawn at random, so the store is asked directly for one id in two tenants
        SidecarStore aliceView = store.forTenant("alice");
        SidecarStore bobView = store.forTenant("bob");
        assertThat(aliceView.createWorkflow("wf-000000000001", "a", Map.of())).isPresent();
        assertThat(bobView.createWorkflow("wf-000000000001", "b", Map.of("x", "y"))).isPresent();
        assertThat(aliceView.claim("wf-000000000001", "a1", null).applied()).isTrue();
        assertThat(bobView.claim("wf-000000000001", "b1", null).applied()).isTrue();
        assertThat(aliceView.checkpoint("wf-000000000001", 3, "\"a\"", "a1").applied()).isTrue();

        JsonNode aliceRun = alice.call("workflow_resume", "run_id", "wf-000000000001");
        JsonNode bobRun = bob.call("workflow_resume", "run_id", "wf-000000000001");
        assertThat(aliceRun.get("meta").get("name").asText()).isEqualTo("a");
        assertThat(aliceRun.get("meta").get("agent_id").asText()).isEqualTo("a1");
        assertThat(aliceRun.get("last_step").asInt()).isEqualTo(3);
        assertThat(bobRun.get("meta").get("name").asText()).isEqualTo("b");
        assertThat(bobRun.get("meta").get("agent_id").asText()).isEqualTo("b1");
        assertThat(bobRun.get("last_step").isNull()).isTrue();
        assertThat(bobRun.get("step_outputs")).isEmpty();
        assertThat(bobRun.get("meta").get("fencing_token").asLong()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ leases

    @Test
    void aTenantsLeaseCannotBeReleasedRenewedOrBlockedByAnotherTenant() {
        JsonNode held = alice.call("lease_acquire", "resource_id", "db", "holder_id", "h1", "ttl_seconds", 30);
        assertThat(held.get("acquired").asBoolean()).isTrue();

        for (ToolHarness other : List.of(bob, anonymous, root)) {
            // the holder id alice used means nothing in another tenant
            assertThat(other.call("lease_release", "resource_id", "db", "holder_id", "h1").get("released").asBoolean())
                    .isFalse();
            JsonNode renew = other.call("lease_renew", "resource_id", "db", "holder_id", "h1", "ttl_seconds", 60);
            assertThat(renew.get("renewed").asBoolean()).isFalse();
            assertThat(renew.get("reason").asText()).contains("No live lease");
        }
        JsonNode bobs = bob.call("lease_acquire", "resource_id", "db", "holder_id", "h2", "ttl_seconds", 30);
        assertThat(bobs.get("acquired").asBoolean()).as("another tenant's db is another resource").isTrue();
        assertThat(bobs.get("fencing_token").asLong()).as("tokens are counted per tenant")
                .isEqualTo(held.get("fencing_token").asLong());

        JsonNode blocked = alice.call("lease_acquire", "resource_id", "db", "holder_id", "h3", "ttl_seconds", 30);
        assertThat(blocked.get("acquired").asBoolean()).isFalse();
        assertThat(blocked.get("holder").asText()).isEqualTo("h1");
        assertThat(alice.call("lease_renew", "resource_id", "db", "holder_id", "h1", "ttl_seconds", 30)
                .get("renewed").asBoolean()).isTrue();
        assertThat(alice.call("lease_release", "resource_id", "db", "holder_id", "h1").get("released").asBoolean())
                .isTrue();
        assertThat(bob.call("lease_renew", "resource_id", "db", "holder_id", "h2", "ttl_seconds", 30)
                .get("renewed").asBoolean()).as("bob's lease outlives alice's release").isTrue();
    }

    // ------------------------------------------------------------------ sessions and history

    @Test
    void aTenantsSessionsCannotBeRestoredOrOverwrittenByAnotherTenant() {
        alice.call("session_save", "session_id", "s1", "context", Map.of("goal", "ship"));

        for (ToolHarness other : List.of(bob, anonymous, root)) {
            JsonNode restored = other.call("session_restore", "session_id", "s1");
            assertThat(restored.get("found").asBoolean()).isFalse();
            assertThat(restored.get("context").isNull()).isTrue();
        }
        bob.call("session_save", "session_id", "s1", "context", Map.of("goal", "bob's"));
        assertThat(alice.call("session_restore", "session_id", "s1").get("context").get("goal").asText())
                .isEqualTo("ship");
        assertThat(bob.call("session_restore", "session_id", "s1").get("context").get("goal").asText())
                .isEqualTo("bob's");
    }

    @Test
    void historyShowsOnlyTheTenantsOwnChanges() {
        alice.call("state_set", "key", "k", "value", 1, "agent_id", "a1");
        alice.call("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", 5);
        alice.call("session_save", "session_id", "s", "context", "c");
        String run = alice.call("workflow_create", "name", "job").get("run_id").asText();
        bob.call("state_set", "key", "k", "value", 2, "agent_id", "b1");

        JsonNode aliceLog = alice.call("history_log", "n", 100);
        assertThat(aliceLog.get("total").asLong()).isEqualTo(4);
        assertThat(texts(aliceLog.get("entries"), "op"))
                .containsExactly("workflow_create", "session_save", "lease_acquire", "state_set");
        JsonNode aliceKey = alice.call("history_log", "key", "k");
        assertThat(aliceKey.get("total").asLong()).isEqualTo(1);
        assertThat(aliceKey.get("entries").get(0).get("agent_id").asText()).isEqualTo("a1");

        JsonNode bobLog = bob.call("history_log", "n", 100);
        assertThat(bobLog.get("total").asLong()).isEqualTo(1);
        assertThat(bobLog.get("entries").get(0).get("agent_id").asText()).isEqualTo("b1");
        assertThat(bobLog.get("entries").get(0).get("id").asLong())
                .as("history ids are counted per tenant: they tell nothing about other tenants' writes")
                .isEqualTo(aliceLog.get("entries").get(3).get("id").asLong());
        assertThat(bob.call("history_log", "key", "workflow:" + run).get("total").asLong()).isZero();
        assertThat(bob.call("history_log", "key", "lease:r").get("total").asLong()).isZero();
        assertThat(bob.call("history_log", "key", "session:s").get("total").asLong()).isZero();
        assertThat(anonymous.call("history_log", "n", 100).get("total").asLong()).isZero();
        assertThat(root.call("history_log", "n", 100).get("total").asLong()).isZero();
    }

    @Test
    void tenantNamesThatLookLikeTheStorageLayoutStayApart() {
        // names with the separators a backend might use in keys, hash tags or encodings
        List<String> names = List.of("a", "A", "a:b", "a}:kv:val", "{sc}", "sc", ":", "%3A", "%", "a b", "ü/ç",
                "a\u0000");
        Map<String, ToolHarness> tenants = new LinkedHashMap<>();
        names.forEach(name -> tenants.put(name, as(SidecarCaller.principal(name))));
        tenants.forEach((name, tools) -> {
            tools.call("state_set", "key", "k", "value", name);
            tools.call("state_set", "key", "}:seq", "value", name);
        });
        anonymous.call("state_set", "key", "k", "value", "anonymous");

        tenants.forEach((name, tools) -> {
            assertThat(tools.call("state_get", "key", "k").get("value").asText()).as(name).isEqualTo(name);
            assertThat(texts(tools.call("state_list").get("keys"))).as(name).containsExactly("k", "}:seq");
            assertThat(tools.call("history_log").get("total").asLong()).as(name).isEqualTo(2);
        });
        assertThat(anonymous.call("state_get", "key", "k").get("value").asText()).isEqualTo("anonymous");
        assertThat(texts(anonymous.call("state_list").get("keys"))).containsExactly("k");
    }

    // ------------------------------------------------------------------ reset

    @Test
    void aPrincipalThatIsNotAnAdminCannotResetAndNothingIsDeleted() {
        alice.call("state_set", "key", "k", "value", 1);
        bob.call("state_set", "key", "k", "value", 2);
        anonymous.call("state_set", "key", "k", "value", 3);

        assertThat(alice.error("sidecar_reset")).contains("refused").contains("'alice' is not an admin")
                .contains("nothing was deleted");
        ToolHarness permissive = ToolHarness.inProcess(store,
                SidecarOptions.builder().allowAnonymousReset(true).build(), SidecarCaller.principal("alice"));
        assertThat(permissive.error("sidecar_reset")).as("allowAnonymousReset is for anonymous callers only")
                .contains("not an admin");

        assertThat(alice.call("state_get", "key", "k").get("value").asInt()).isEqualTo(1);
        assertThat(bob.call("state_get", "key", "k").get("value").asInt()).isEqualTo(2);
        assertThat(anonymous.call("state_get", "key", "k").get("value").asInt()).isEqualTo(3);
        assertThat(texts(alice.call("history_log").get("entries"), "op")).containsExactly("state_set");
    }

    @Test
    void anAnonymousCallerCannotResetUnlessAllowedAndThenOnlyTheAnonymousTenant() {
        alice.call("state_set", "key", "k", "value", 1);
        anonymous.call("state_set", "key", "k", "value", 3);
        anonymous.call("workflow_create", "name", "job");

        assertThat(anonymous.error("sidecar_reset")).contains("refused").contains("anonymous")
                .contains("allowAnonymousReset").contains("nothing was deleted");
        assertThat(anonymous.call("state_get", "key", "k").get("found").asBoolean()).isTrue();

        ToolHarness allowed = ToolHarness.inProcess(store, SidecarOptions.builder().allowAnonymousReset(true).build());
        JsonNode reset = allowed.call("sidecar_reset");
        assertThat(reset.get("scope").asText()).isEqualTo("anonymous");
        assertThat(reset.get("cleared").asLong()).isEqualTo(4); // a key, a run and their 2 history entries

        assertThat(anonymous.call("state_get", "key", "k").get("found").asBoolean()).isFalse();
        assertThat(anonymous.call("workflow_list").get("runs")).isEmpty();
        assertThat(texts(anonymous.call("history_log").get("entries"), "op")).containsExactly("reset");
        assertThat(alice.call("state_get", "key", "k").get("value").asInt()).as("other tenants are kept").isEqualTo(1);
        assertThat(texts(alice.call("history_log").get("entries"), "op")).containsExactly("state_set");
    }

    @Test
    void anAdminsResetWipesEveryTenantAndEachTenantsHistoryRecordsIt() {
        long aliceVersion = alice.call("state_set", "key", "k", "value", 1).get("version").asLong();
        long aliceToken = alice.call("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", 60)
                .get("fencing_token").asLong();
        alice.call("workflow_create", "name", "job");
        bob.call("session_save", "session_id", "s", "context", 1);
        anonymous.call("state_set", "key", "k", "value", 3);

        JsonNode reset = root.call("sidecar_reset");
        assertThat(reset.get("ok").asBoolean()).isTrue();
        assertThat(reset.get("scope").asText()).isEqualTo("all");
        // alice: a key, a lease, a run + 3 history entries; bob: a session + 1; anonymous: a key + 1
        assertThat(reset.get("cleared").asLong()).isEqualTo(6 + 2 + 2);

        for (ToolHarness tenant : List.of(alice, bob, anonymous)) {
            assertThat(tenant.call("state_list").get("keys")).isEmpty();
            assertThat(tenant.call("workflow_list").get("runs")).isEmpty();
            assertThat(tenant.call("session_restore", "session_id", "s").get("found").asBoolean()).isFalse();
            JsonNode history = tenant.call("history_log");
            assertThat(texts(history.get("entries"), "op")).containsExactly("reset");
        }
        assertThat(alice.call("history_log").get("entries").get(0).get("new_value").get("cleared").asLong())
                .isEqualTo(6);
        assertThat(bob.call("history_log").get("entries").get(0).get("new_value").get("cleared").asLong())
                .isEqualTo(2);
        JsonNode rootLog = root.call("history_log");
        assertThat(texts(rootLog.get("entries"), "op")).as("the admin's own tenant records the reset")
                .containsExactly("reset");
        assertThat(rootLog.get("entries").get(0).get("new_value").get("cleared").asLong()).isZero();

        // counters survive: a tenant's versions and tokens keep rising
        assertThat(alice.call("state_set", "key", "k", "value", 2).get("version").asLong()).isGreaterThan(aliceVersion);
        assertThat(alice.call("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", 60)
                .get("fencing_token").asLong()).isGreaterThan(aliceToken);
        // and a second reset finds every tenant again: alice's key and lease with their history entries and her
        // reset entry, and the reset entries of bob, the anonymous tenant and root
        assertThat(root.call("sidecar_reset").get("cleared").asLong()).isEqualTo(5 + 1 + 1 + 1);
    }

    // ------------------------------------------------------------------ durability

    @Test
    void tenantsSurviveReopeningTheStore() {
        alice.call("state_set", "key", "k", "value", "alice's");
        bob.call("state_set", "key", "k", "value", "bob's");
        storage.close();
        storage = openStorage(clock);
        harnesses();
        assertThat(alice.call("state_get", "key", "k").get("value").asText()).isEqualTo("alice's");
        assertThat(bob.call("state_get", "key", "k").get("value").asText()).isEqualTo("bob's");
        assertThat(anonymous.call("state_get", "key", "k").get("found").asBoolean()).isFalse();
        assertThat(root.call("sidecar_reset").get("cleared").asLong()).as("a reopened store still finds every tenant")
                .isEqualTo(4);
    }
}
