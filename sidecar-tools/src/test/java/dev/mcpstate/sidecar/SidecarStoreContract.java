package dev.mcpstate.sidecar;

import dev.mcpstate.store.Storage;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link SidecarStore} must show, exercised through the tools (so the shared validation
 * and result shaping are covered too). Subclassed once per backend; time is a {@link MutableClock}.
 */
abstract class SidecarStoreContract {

    protected final MutableClock clock = new MutableClock();
    protected Storage storage;
    protected SidecarStore store;
    protected ToolHarness tools;

    /**
     * Opens the storage under test on a clean backend; the same location every call within one test, so a
     * reopened storage sees what the previous one wrote.
     */
    protected abstract Storage openStorage(Clock clock);

    @BeforeEach
    void openStore() {
        storage = openStorage(clock);
        store = storage.sidecar();
        tools = ToolHarness.inProcess(store, SidecarOptions.builder().maxValueBytes(1024).build());
    }

    @AfterEach
    void closeStore() {
        storage.close();
    }

    private double now() {
        return clock.millis() / 1000.0;
    }

    // ------------------------------------------------------------------ key-value

    @Test
    void setThenGetReturnsTheValueFoundAndAVersion() {
        JsonNode set = tools.call("state_set", "key", "cfg", "value", Map.of("mode", "fast", "n", 3));
        assertThat(set.get("ok").asBoolean()).isTrue();
        assertThat(set.get("version").asLong()).isPositive();

        JsonNode got = tools.call("state_get", "key", "cfg");
        assertThat(got.get("key").asText()).isEqualTo("cfg");
        assertThat(got.get("found").asBoolean()).isTrue();
        assertThat(got.get("value")).isEqualTo(ToolHarness.MAPPER.valueToTree(Map.of("mode", "fast", "n", 3)));
        assertThat(got.get("version").asLong()).isEqualTo(set.get("version").asLong());
        assertThat(got.get("expires_at").isNull()).isTrue();
    }

    @Test
    void getOfAMissingKeyIsNotFoundWithNullValue() {
        JsonNode got = tools.call("state_get", "key", "nope");
        assertThat(got.get("found").asBoolean()).isFalse();
        assertThat(got.get("value").isNull()).isTrue();
        assertThat(got.get("version").asLong()).isZero();
    }

    @Test
    void valuesOfEveryJsonTypeRoundTrip() {
        List<Object> values = new ArrayList<>();
        values.add(List.of(1, "two", List.of(3.5)));
        values.add("text with \"quotes\" and / and ünïcödé");
        values.add(42);
        values.add(-0.125);
        values.add(true);
        values.add(null);
        values.add(Map.of("nested", Map.of("deep", List.of())));
        for (int i = 0; i < values.size(); i++) {
            tools.call("state_set", "key", "k" + i, "value", values.get(i));
            JsonNode got = tools.call("state_get", "key", "k" + i);
            assertThat(got.get("found").asBoolean()).isTrue();
            assertThat(got.get("value")).as("value %s", values.get(i))
                    .isEqualTo(ToolHarness.MAPPER.valueToTree(values.get(i)));
        }
    }

    @Test
    void overwritingAKeyRaisesItsVersion() {
        long v1 = tools.call("state_set", "key", "a", "value", 1).get("version").asLong();
        long v2 = tools.call("state_set", "key", "a", "value", 2).get("version").asLong();
        assertThat(v2).isGreaterThan(v1);
        assertThat(tools.call("state_get", "key", "a").get("value").asInt()).isEqualTo(2);
    }

    @Test
    void ttlExpiresAKeyToTheMillisecond() {
        tools.call("state_set", "key", "tmp", "value", "x", "ttl_seconds", 1.5);
        JsonNode got = tools.call("state_get", "key", "tmp");
        assertThat(got.get("expires_at").asDouble()).isEqualTo(now() + 1.5);

        clock.advanceMillis(1499);
        assertThat(tools.call("state_get", "key", "tmp").get("found").asBoolean()).isTrue();
        assertThat(tools.call("state_list").get("keys")).hasSize(1);

        clock.advanceMillis(1);
        assertThat(tools.call("state_get", "key", "tmp").get("found").asBoolean()).isFalse();
        assertThat(tools.call("state_list").get("keys")).isEmpty();
        assertThat(tools.call("sidecar_health").get("key_count").asLong()).isZero();
        assertThat(tools.call("state_delete", "key", "tmp").get("ok").asBoolean()).isFalse();
    }

    @Test
    void settingAKeyWithoutTtlMakesItPermanentAgain() {
        tools.call("state_set", "key", "k", "value", 1, "ttl_seconds", 1);
        tools.call("state_set", "key", "k", "value", 2);
        clock.advance(Duration.ofDays(1));
        assertThat(tools.call("state_get", "key", "k").get("value").asInt()).isEqualTo(2);
    }

    @Test
    void deleteRemovesALiveKeyOnce() {
        tools.call("state_set", "key", "d", "value", 1);
        assertThat(tools.call("state_delete", "key", "d").get("ok").asBoolean()).isTrue();
        assertThat(tools.call("state_delete", "key", "d").get("ok").asBoolean()).isFalse();
        assertThat(tools.call("state_get", "key", "d").get("found").asBoolean()).isFalse();
    }

    @Test
    void listIsSortedAscendingAndFilteredByPrefix() {
        for (String key : List.of("b/2", "a/1", "b/1", "c", "b/10")) {
            tools.call("state_set", "key", key, "value", key);
        }
        assertThat(texts(tools.call("state_list").get("keys"))).containsExactly("a/1", "b/1", "b/10", "b/2", "c");
        assertThat(texts(tools.call("state_list", "prefix", "b/").get("keys"))).containsExactly("b/1", "b/10", "b/2");
        assertThat(tools.call("state_list", "prefix", "zzz").get("keys")).isEmpty();
    }

    @Test
    void compareAndSetWritesOnlyAtTheExpectedVersion() {
        JsonNode created = tools.call("state_set", "key", "cas", "value", "v1", "expected_version", 0);
        assertThat(created.get("ok").asBoolean()).isTrue();
        long v1 = created.get("version").asLong();

        JsonNode again = tools.call("state_set", "key", "cas", "value", "other", "expected_version", 0);
        assertThat(again.get("ok").asBoolean()).isFalse();
        assertThat(again.get("version").asLong()).isEqualTo(v1);
        assertThat(again.get("reason").asText()).contains("expected 0").contains("current " + v1);

        JsonNode stale = tools.call("state_set", "key", "cas", "value", "other", "expected_version", v1 + 100);
        assertThat(stale.get("ok").asBoolean()).isFalse();

        JsonNode next = tools.call("state_set", "key", "cas", "value", "v2", "expected_version", v1);
        assertThat(next.get("ok").asBoolean()).isTrue();
        assertThat(tools.call("state_get", "key", "cas").get("value").asText()).isEqualTo("v2");
    }

    @Test
    void anExpiredKeyCountsAsAbsentForCompareAndSet() {
        tools.call("state_set", "key", "lock", "value", "a", "ttl_seconds", 1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tools.call("state_set", "key", "lock", "value", "b", "expected_version", 0).get("ok").asBoolean())
                .isTrue();
    }

    @Test
    void badInputIsAToolErrorAndWritesNothing() {
        long historyBefore = tools.call("history_log").get("total").asLong();
        assertThat(tools.error("state_set", "key", "", "value", 1)).contains("key");
        assertThat(tools.error("state_set", "key", "   ", "value", 1)).contains("key");
        assertThat(tools.error("state_set", "key", "k", "value", 1, "ttl_seconds", -1)).contains("ttl_seconds");
        assertThat(tools.error("state_set", "key", "k", "value", 1, "ttl_seconds", 0)).contains("ttl_seconds");
        assertThat(tools.error("state_set", "key", "k")).contains("value");
        assertThat(tools.error("state_set", "key", "k", "value", Double.NaN)).contains("not valid JSON");
        assertThat(tools.error("state_set", "key", "k", "value", new Object())).contains("not a JSON value");
        assertThat(tools.error("state_set", "key", "k", "value", "x".repeat(2000))).contains("over the limit of 1024");
        assertThat(tools.error("state_set", "key", "k", "value", 1, "expected_version", -1))
                .contains("expected_version");
        assertThat(tools.error("workflow_checkpoint", "run_id", "wf-x", "step", 1, "output", "y".repeat(2000)))
                .contains("output");
        assertThat(tools.error("session_save", "session_id", "s", "context", "z".repeat(2000))).contains("context");
        assertThat(tools.error("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", -5))
                .contains("ttl_seconds");
        assertThat(tools.error("state_get", "key", "")).contains("key");

        assertThat(tools.call("state_get", "key", "k").get("found").asBoolean()).isFalse();
        assertThat(tools.call("history_log").get("total").asLong()).isEqualTo(historyBefore);
    }

    // ------------------------------------------------------------------ workflows

    @Test
    void createGivesARunIdAndCreatedStatus() {
        JsonNode run = tools.call("workflow_create", "name", "report", "tags", Map.of("team", "search"));
        assertThat(run.get("run_id").asText()).matches("wf-[0-9a-f]{12}");
        assertThat(run.get("name").asText()).isEqualTo("report");
        assertThat(run.get("status").asText()).isEqualTo("created");

        JsonNode status = tools.call("workflow_status", "run_id", run.get("run_id").asText());
        assertThat(status.get("status").asText()).isEqualTo("created");
        assertThat(status.get("last_step").isNull()).isTrue();
        assertThat(status.get("agent_id").isNull()).isTrue();
        assertThat(status.get("created_at").asDouble()).isEqualTo(now());
        assertThat(status.get("updated_at").asDouble()).isEqualTo(now());
    }

    @Test
    void discoverMatchesAllTagsExactlyNewestFirst() {
        String a = create("a", Map.of("team", "search", "env", "prod"));
        clock.advanceMillis(1);
        String b = create("b", Map.of("team", "search"));
        clock.advanceMillis(1);
        String c = create("c", Map.of("team", "ads", "env", "prod"));
        String d = create("d", Map.of());

        assertThat(runIds(tools.call("workflow_discover", "tags", Map.of("team", "search")))).containsExactly(b, a);
        assertThat(runIds(tools.call("workflow_discover", "tags", Map.of("team", "search", "env", "prod"))))
                .containsExactly(a);
        assertThat(runIds(tools.call("workflow_discover", "tags", Map.of("team", "sea")))).isEmpty();
        assertThat(runIds(tools.call("workflow_discover"))).containsExactly(d, c, b, a);
        assertThat(runIds(tools.call("workflow_list"))).containsExactly(d, c, b, a);

        tools.call("workflow_claim", "run_id", c, "agent_id", "x");
        assertThat(runIds(tools.call("workflow_discover", "status", "claimed"))).containsExactly(c);
        assertThat(runIds(tools.call("workflow_discover", "tags", Map.of("env", "prod"), "status", "created")))
                .containsExactly(a);
        assertThat(tools.error("workflow_discover", "status", "sleeping")).contains("status must be one of");

        JsonNode meta = tools.call("workflow_list").get("runs").get(0);
        assertThat(iterable(meta.fieldNames())).contains("run_id", "name", "status", "tags", "agent_id",
                "last_step", "created_at", "updated_at");
    }

    @Test
    void exactlyOneClaimWinsAndTheLoserLearnsTheStatus() {
        String run = create("job", Map.of());
        JsonNode won = tools.call("workflow_claim", "run_id", run, "agent_id", "a1");
        assertThat(won.get("claimed").asBoolean()).isTrue();
        assertThat(won.get("run_id").asText()).isEqualTo(run);
        assertThat(won.get("agent_id").asText()).isEqualTo("a1");
        assertThat(won.get("reason").isNull()).isTrue();
        assertThat(won.get("fencing_token").asLong()).isEqualTo(1);

        JsonNode lost = tools.call("workflow_claim", "run_id", run, "agent_id", "a2");
        assertThat(lost.get("claimed").asBoolean()).isFalse();
        assertThat(lost.get("agent_id").asText()).isEqualTo("a2");
        assertThat(lost.get("reason").asText()).contains("claimed").contains("a1");
        assertThat(lost.get("fencing_token").isNull()).isTrue();

        JsonNode same = tools.call("workflow_claim", "run_id", run, "agent_id", "a1");
        assertThat(same.get("claimed").asBoolean()).isFalse();

        JsonNode status = tools.call("workflow_status", "run_id", run);
        assertThat(status.get("status").asText()).isEqualTo("claimed");
        assertThat(status.get("agent_id").asText()).isEqualTo("a1");
    }

    @Test
    void claimingAnUnknownRunSaysNotFound() {
        JsonNode lost = tools.call("workflow_claim", "run_id", "wf-000000000000", "agent_id", "a1");
        assertThat(lost.get("claimed").asBoolean()).isFalse();
        assertThat(lost.get("reason").asText()).contains("not found");
    }

    @Test
    void checkpointsStoreOutputsOverwriteAStepAndKeepTheHighestStep() {
        String run = create("job", Map.of("k", "v"));
        tools.call("workflow_claim", "run_id", run, "agent_id", "a1");
        clock.advanceMillis(250);
        JsonNode cp = tools.call("workflow_checkpoint", "run_id", run, "step", 2, "output", Map.of("rows", 10));
        assertThat(cp.get("ok").asBoolean()).isTrue();
        assertThat(cp.get("run_id").asText()).isEqualTo(run);
        assertThat(cp.get("step").asInt()).isEqualTo(2);
        tools.call("workflow_checkpoint", "run_id", run, "step", 1, "output", "first");
        tools.call("workflow_checkpoint", "run_id", run, "step", 2, "output", Map.of("rows", 11));

        JsonNode resume = tools.call("workflow_resume", "run_id", run);
        assertThat(resume.get("run_id").asText()).isEqualTo(run);
        assertThat(resume.get("last_step").asInt()).isEqualTo(2);
        assertThat(resume.get("step_outputs").get("1").asText()).isEqualTo("first");
        assertThat(resume.get("step_outputs").get("2").get("rows").asInt()).isEqualTo(11);
        JsonNode meta = resume.get("meta");
        assertThat(meta.get("run_id").asText()).isEqualTo(run);
        assertThat(meta.get("name").asText()).isEqualTo("job");
        assertThat(meta.get("status").asText()).isEqualTo("running");
        assertThat(meta.get("tags").get("k").asText()).isEqualTo("v");
        assertThat(meta.get("agent_id").asText()).isEqualTo("a1");
        assertThat(meta.get("last_step").asInt()).isEqualTo(2);
        assertThat(meta.get("updated_at").asDouble()).isEqualTo(now());
        assertThat(meta.get("created_at").asDouble()).isEqualTo(now() - 0.25);
    }

    @Test
    void aCheckpointNamingAnotherAgentIsRefused() {
        String run = create("job", Map.of());
        tools.call("workflow_claim", "run_id", run, "agent_id", "a1");
        JsonNode refused = tools.call("workflow_checkpoint", "run_id", run, "step", 0, "output", 1, "agent_id", "a2");
        assertThat(refused.get("ok").asBoolean()).isFalse();
        assertThat(refused.get("reason").asText()).contains("a1");
        assertThat(tools.call("workflow_checkpoint", "run_id", run, "step", 0, "output", 1, "agent_id", "a1")
                .get("ok").asBoolean()).isTrue();
        assertThat(tools.call("workflow_checkpoint", "run_id", run, "step", 1, "output", 2).get("ok").asBoolean())
                .isTrue();
        assertThat(tools.call("workflow_resume", "run_id", run).get("step_outputs")).hasSize(2);
    }

    @Test
    void resumeAndStatusOfAnUnknownRunAreToolErrors() {
        assertThat(tools.error("workflow_resume", "run_id", "wf-ffffffffffff")).contains("not found");
        assertThat(tools.error("workflow_status", "run_id", "wf-ffffffffffff")).contains("not found");
        assertThat(tools.call("workflow_checkpoint", "run_id", "wf-ffffffffffff", "step", 0, "output", 1)
                .get("reason").asText()).contains("not found");
        assertThat(tools.error("workflow_checkpoint", "run_id", "wf-x", "step", -1, "output", 1)).contains("step");
        assertThat(tools.error("workflow_checkpoint", "run_id", "wf-x", "step", 1.5, "output", 1)).contains("step");
    }

    @Test
    void onlyTheClaimerCompletesOrFailsARunAndFinalRunsStayFinal() {
        String run = create("job", Map.of());
        assertThat(tools.call("workflow_complete", "run_id", run, "agent_id", "a1").get("reason").asText())
                .contains("created");
        tools.call("workflow_claim", "run_id", run, "agent_id", "a1");
        JsonNode notMine = tools.call("workflow_complete", "run_id", run, "agent_id", "a2");
        assertThat(notMine.get("ok").asBoolean()).isFalse();
        assertThat(notMine.get("reason").asText()).contains("a1");

        JsonNode done = tools.call("workflow_complete", "run_id", run, "agent_id", "a1", "output", Map.of("url", "s3://x"));
        assertThat(done.get("ok").asBoolean()).isTrue();
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(tools.call("workflow_resume", "run_id", run).get("meta").get("result").get("url").asText())
                .isEqualTo("s3://x");

        assertThat(tools.call("workflow_checkpoint", "run_id", run, "step", 9, "output", 1).get("reason").asText())
                .contains("completed");
        assertThat(tools.call("workflow_claim", "run_id", run, "agent_id", "a3").get("reason").asText())
                .contains("completed");
        assertThat(tools.call("workflow_fail", "run_id", run, "agent_id", "a1", "error", "late").get("ok").asBoolean())
                .isFalse();

        String other = create("job2", Map.of());
        tools.call("workflow_claim", "run_id", other, "agent_id", "a1");
        JsonNode failed = tools.call("workflow_fail", "run_id", other, "agent_id", "a1", "error", "disk full");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(tools.call("workflow_status", "run_id", other).get("status").asText()).isEqualTo("failed");
        assertThat(tools.call("workflow_resume", "run_id", other).get("meta").get("error").asText()).isEqualTo("disk full");
        assertThat(tools.error("workflow_fail", "run_id", other, "agent_id", "a1")).contains("error");
    }

    @Test
    void aLapsedClaimCanBeTakenOverWithAHigherFencingToken() {
        String run = create("job", Map.of());
        JsonNode first = tools.call("workflow_claim", "run_id", run, "agent_id", "a1", "lease_ttl_seconds", 10);
        assertThat(first.get("claim_expires_at").asDouble()).isEqualTo(now() + 10);

        clock.advanceMillis(9_999);
        assertThat(tools.call("workflow_claim", "run_id", run, "agent_id", "a2").get("claimed").asBoolean()).isFalse();
        tools.call("workflow_checkpoint", "run_id", run, "step", 1, "output", "x", "agent_id", "a1");
        clock.advanceMillis(9_999);
        assertThat(tools.call("workflow_claim", "run_id", run, "agent_id", "a2").get("claimed").asBoolean()).isFalse();

        clock.advanceMillis(1);
        JsonNode second = tools.call("workflow_claim", "run_id", run, "agent_id", "a2");
        assertThat(second.get("claimed").asBoolean()).isTrue();
        assertThat(second.get("fencing_token").asLong()).isEqualTo(2);
        assertThat(tools.call("workflow_checkpoint", "run_id", run, "step", 2, "output", "stale", "agent_id", "a1")
                .get("ok").asBoolean()).isFalse();
        assertThat(tools.call("workflow_complete", "run_id", run, "agent_id", "a1").get("ok").asBoolean()).isFalse();
        assertThat(tools.call("workflow_resume", "run_id", run).get("step_outputs").get("1").asText()).isEqualTo("x");

        clock.advance(Duration.ofDays(1));
        assertThat(tools.call("workflow_claim", "run_id", run, "agent_id", "a3").get("claimed").asBoolean())
                .as("a claim without lease_ttl_seconds never lapses").isFalse();
    }

    // ------------------------------------------------------------------ leases

    @Test
    void aLeaseBlocksEveryoneIncludingItsHolderUntilItExpires() {
        JsonNode got = tools.call("lease_acquire", "resource_id", "db", "holder_id", "h1", "ttl_seconds", 30);
        assertThat(got.get("acquired").asBoolean()).isTrue();
        assertThat(got.get("resource_id").asText()).isEqualTo("db");
        assertThat(got.get("holder").asText()).isEqualTo("h1");
        assertThat(got.get("expires_at").asDouble()).isEqualTo(now() + 30);
        assertThat(got.get("reason").isNull()).isTrue();
        long token1 = got.get("fencing_token").asLong();

        JsonNode other = tools.call("lease_acquire", "resource_id", "db", "holder_id", "h2", "ttl_seconds", 30);
        assertThat(other.get("acquired").asBoolean()).isFalse();
        assertThat(other.get("holder").asText()).isEqualTo("h1");
        assertThat(other.get("reason").asText()).isEqualTo("Held by 'h1'");
        JsonNode self = tools.call("lease_acquire", "resource_id", "db", "holder_id", "h1", "ttl_seconds", 30);
        assertThat(self.get("acquired").asBoolean()).isFalse();
        assertThat(self.get("reason").asText()).isEqualTo("Held by 'h1'");

        clock.advanceMillis(29_999);
        assertThat(tools.call("lease_acquire", "resource_id", "db", "holder_id", "h2", "ttl_seconds", 30)
                .get("acquired").asBoolean()).isFalse();
        clock.advanceMillis(1);
        JsonNode takeover = tools.call("lease_acquire", "resource_id", "db", "holder_id", "h2", "ttl_seconds", 0.5);
        assertThat(takeover.get("acquired").asBoolean()).isTrue();
        assertThat(takeover.get("fencing_token").asLong()).isGreaterThan(token1);
        assertThat(takeover.get("expires_at").asDouble()).isEqualTo(now() + 0.5);
        assertThat(texts(tools.call("history_log", "key", "lease:db").get("entries"), "op"))
                .containsExactly("lease_takeover", "lease_acquire");
    }

    @Test
    void onlyTheHolderReleasesAndTheNextHolderGetsAHigherToken() {
        long token1 = tools.call("lease_acquire", "resource_id", "r", "holder_id", "h1", "ttl_seconds", 30)
                .get("fencing_token").asLong();
        assertThat(tools.call("lease_release", "resource_id", "r", "holder_id", "h2").get("released").asBoolean())
                .isFalse();
        JsonNode released = tools.call("lease_release", "resource_id", "r", "holder_id", "h1");
        assertThat(released.get("released").asBoolean()).isTrue();
        assertThat(released.get("resource_id").asText()).isEqualTo("r");
        assertThat(tools.call("lease_release", "resource_id", "r", "holder_id", "h1").get("released").asBoolean())
                .isFalse();
        JsonNode next = tools.call("lease_acquire", "resource_id", "r", "holder_id", "h2", "ttl_seconds", 30);
        assertThat(next.get("acquired").asBoolean()).isTrue();
        assertThat(next.get("fencing_token").asLong()).isGreaterThan(token1);
    }

    @Test
    void onlyTheHolderOfALiveLeaseRenewsItAndTheTokenStays() {
        long token = tools.call("lease_acquire", "resource_id", "r", "holder_id", "h1", "ttl_seconds", 10)
                .get("fencing_token").asLong();
        clock.advance(Duration.ofSeconds(8));
        JsonNode renewed = tools.call("lease_renew", "resource_id", "r", "holder_id", "h1", "ttl_seconds", 10);
        assertThat(renewed.get("renewed").asBoolean()).isTrue();
        assertThat(renewed.get("resource_id").asText()).isEqualTo("r");
        assertThat(renewed.get("expires_at").asDouble()).isEqualTo(now() + 10);
        assertThat(renewed.get("fencing_token").asLong()).isEqualTo(token);

        JsonNode notHolder = tools.call("lease_renew", "resource_id", "r", "holder_id", "h2", "ttl_seconds", 10);
        assertThat(notHolder.get("renewed").asBoolean()).isFalse();
        assertThat(notHolder.get("reason").asText()).isEqualTo("Held by 'h1'");

        clock.advance(Duration.ofSeconds(10));
        JsonNode expired = tools.call("lease_renew", "resource_id", "r", "holder_id", "h1", "ttl_seconds", 10);
        assertThat(expired.get("renewed").asBoolean()).isFalse();
        assertThat(expired.get("expires_at").isNull()).isTrue();
        assertThat(tools.call("lease_renew", "resource_id", "never", "holder_id", "h1", "ttl_seconds", 1)
                .get("renewed").asBoolean()).isFalse();
    }

    // ------------------------------------------------------------------ sessions and history

    @Test
    void aSavedSessionIsRestoredAndReplacedBySavingAgain() {
        JsonNode saved = tools.call("session_save", "session_id", "s1", "context", Map.of("goal", "ship", "step", 3));
        assertThat(saved.get("ok").asBoolean()).isTrue();
        assertThat(saved.get("session_id").asText()).isEqualTo("s1");
        JsonNode restored = tools.call("session_restore", "session_id", "s1");
        assertThat(restored.get("found").asBoolean()).isTrue();
        assertThat(restored.get("context").get("goal").asText()).isEqualTo("ship");

        tools.call("session_save", "session_id", "s1", "context", List.of("replaced"));
        assertThat(tools.call("session_restore", "session_id", "s1").get("context").get(0).asText()).isEqualTo("replaced");

        JsonNode missing = tools.call("session_restore", "session_id", "nobody");
        assertThat(missing.get("found").asBoolean()).isFalse();
        assertThat(missing.get("context").isNull()).isTrue();
        assertThat(missing.get("session_id").asText()).isEqualTo("nobody");
    }

    @Test
    void historyRecordsEveryMutationWithItsOpNewestFirst() {
        tools.call("state_set", "key", "k", "value", 1, "agent_id", "a1");
        clock.advanceMillis(10);
        tools.call("state_set", "key", "k", "value", 2, "agent_id", "a2");
        tools.call("state_delete", "key", "k");
        String run = create("job", Map.of());
        tools.call("workflow_claim", "run_id", run, "agent_id", "a1");
        tools.call("workflow_checkpoint", "run_id", run, "step", 0, "output", "o");
        tools.call("workflow_complete", "run_id", run, "agent_id", "a1");
        tools.call("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", 5);
        tools.call("lease_renew", "resource_id", "r", "holder_id", "h", "ttl_seconds", 5);
        tools.call("lease_release", "resource_id", "r", "holder_id", "h");
        tools.call("session_save", "session_id", "s", "context", "c");
        tools.call("state_get", "key", "k");

        JsonNode all = tools.call("history_log", "n", 100);
        assertThat(all.get("total").asLong()).isEqualTo(11);
        assertThat(texts(all.get("entries"), "op")).containsExactly("session_save", "lease_release", "lease_renew",
                "lease_acquire", "workflow_complete", "workflow_checkpoint", "workflow_claim", "workflow_create",
                "state_delete", "state_set", "state_set");

        JsonNode forKey = tools.call("history_log", "key", "k");
        assertThat(forKey.get("total").asLong()).isEqualTo(3);
        JsonNode newest = forKey.get("entries").get(0);
        assertThat(iterable(newest.fieldNames())).contains("id", "key", "new_value", "previous_value", "agent_id",
                "written_at", "op");
        assertThat(newest.get("op").asText()).isEqualTo("state_delete");
        assertThat(newest.get("new_value").isNull()).isTrue();
        assertThat(newest.get("previous_value").asInt()).isEqualTo(2);
        JsonNode second = forKey.get("entries").get(1);
        assertThat(second.get("new_value").asInt()).isEqualTo(2);
        assertThat(second.get("previous_value").asInt()).isEqualTo(1);
        assertThat(second.get("agent_id").asText()).isEqualTo("a2");
        assertThat(second.get("written_at").asDouble()).isEqualTo(now());
        assertThat(forKey.get("entries").get(2).get("previous_value").isNull()).isTrue();
        assertThat(newest.get("id").asLong()).isGreaterThan(second.get("id").asLong());

        JsonNode wf = tools.call("history_log", "key", "workflow:" + run, "n", 10);
        assertThat(wf.get("entries").get(0).get("new_value").asText()).isEqualTo("completed");
        assertThat(wf.get("entries").get(0).get("previous_value").asText()).isEqualTo("running");
        assertThat(wf.get("entries").get(1).get("new_value").get("output").asText()).isEqualTo("o");

        JsonNode two = tools.call("history_log", "n", 2);
        assertThat(two.get("entries")).hasSize(2);
        assertThat(two.get("total").asLong()).isEqualTo(11);
        assertThat(tools.error("history_log", "n", 0)).contains("n must be at least 1");
    }

    // ------------------------------------------------------------------ observability

    @Test
    void healthReportsBackendCountsUptimeAndVersion() {
        tools.call("state_set", "key", "a", "value", 1);
        tools.call("state_set", "key", "b", "value", 1, "ttl_seconds", 1);
        create("job", Map.of());
        clock.advance(Duration.ofSeconds(5));
        JsonNode health = tools.call("sidecar_health");
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("backend").asText()).isEqualTo(store.backend());
        assertThat(health.get("uptime_s").asDouble()).isEqualTo(5.0);
        assertThat(health.get("key_count").asLong()).isEqualTo(1);
        assertThat(health.get("workflow_count").asLong()).isEqualTo(1);
        assertThat(health.get("version").asText()).isNotBlank();
    }

    @Test
    void resetWipesEverythingButVersionsAndTokensKeepRising() {
        long v = tools.call("state_set", "key", "k", "value", 1).get("version").asLong();
        create("job", Map.of());
        long token = tools.call("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", 60)
                .get("fencing_token").asLong();
        tools.call("session_save", "session_id", "s", "context", 1);

        // anonymous callers may reset (the anonymous tenant, all there is here) only when the options allow it
        ToolHarness allowed = ToolHarness.inProcess(store, SidecarOptions.builder().allowAnonymousReset(true).build());
        JsonNode reset = allowed.call("sidecar_reset");
        assertThat(reset.get("ok").asBoolean()).isTrue();
        assertThat(reset.get("scope").asText()).isEqualTo("anonymous");
        assertThat(reset.get("cleared").asLong()).isEqualTo(4 + 4); // a key, a run, a lease, a session + their 4 history entries

        assertThat(tools.call("state_list").get("keys")).isEmpty();
        assertThat(tools.call("workflow_list").get("runs")).isEmpty();
        assertThat(tools.call("session_restore", "session_id", "s").get("found").asBoolean()).isFalse();
        JsonNode history = tools.call("history_log");
        assertThat(history.get("total").asLong()).isEqualTo(1);
        assertThat(history.get("entries").get(0).get("op").asText()).isEqualTo("reset");
        assertThat(history.get("entries").get(0).get("new_value").get("cleared").asLong()).isEqualTo(8);

        assertThat(tools.call("state_set", "key", "k", "value", 2).get("version").asLong()).isGreaterThan(v);
        assertThat(tools.call("lease_acquire", "resource_id", "r", "holder_id", "h", "ttl_seconds", 60)
                .get("fencing_token").asLong()).isGreaterThan(token);
        assertThat(tools.call("sidecar_health").get("key_count").asLong()).isEqualTo(1);
    }

    @Test
    void stateSurvivesReopeningTheStore() {
        tools.call("state_set", "key", "k", "value", "kept");
        String run = create("job", Map.of());
        storage.close();
        storage = openStorage(clock);
        store = storage.sidecar();
        tools = ToolHarness.inProcess(store, SidecarOptions.defaults());
        assertThat(tools.call("state_get", "key", "k").get("value").asText()).isEqualTo("kept");
        assertThat(tools.call("workflow_status", "run_id", run).get("status").asText()).isEqualTo("created");
    }

    // ------------------------------------------------------------------ helpers

    protected String create(String name, Map<String, String> tags) {
        return tools.call("workflow_create", "name", name, "tags", tags).get("run_id").asText();
    }

    private static List<String> runIds(JsonNode result) {
        return texts(result.get("runs"), "run_id");
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
