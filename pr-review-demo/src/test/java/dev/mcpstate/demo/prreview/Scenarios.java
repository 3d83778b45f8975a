package dev.mcpstate.demo.prreview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.demo.prreview.internal.review.Fixtures;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's flows driven through the JSON API, with real agent processes, as the page drives them; shared by the
 * single-sidecar and the three-node tests.
 */
final class Scenarios {

    /**
     * Agent timings for tests: a crashed agent's claim lapses within 3 s; a live agent keeps its claim and its
     * slot unless it is starved of CPU for over a second and a half.
     */
    static final AgentTimings FAST = new AgentTimings(Duration.ofMillis(3000), Duration.ofMillis(1500),
            Duration.ofMillis(150), Duration.ofMillis(50), Duration.ofSeconds(20));
    /** A one-file pull request, quick to review: a race round is decided by the claim alone. */
    static final String ONE_FILE_DIFF = """
            diff --git a/src/Race.java b/src/Race.java
            new file mode 100644
            --- /dev/null
            +++ b/src/Race.java
            @@ -0,0 +1,3 @@
            +class Race {
            +    String apiKey = "r4ce-k3y-0123";
            +}
            """;

    private Scenarios() {
    }

    /** @return the demo's options for tests: a free port, the embedded or given sidecar, fast agents */
    static DemoOptions options(java.nio.file.Path dir, URI sidecarUrl, String... more) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--db", dir.resolve("sidecar.db").toString(),
                "--work-dir", dir.toString(), "--state-poll-ms", "100"));
        args.addAll(FAST.toFlags());
        if (sidecarUrl != null) {
            args.addAll(List.of("--sidecar-url", sidecarUrl.toString()));
        }
        args.addAll(List.of(more));
        return DemoOptions.parse(args.toArray(String[]::new));
    }

    /** Starts agents and waits until each has connected to the sidecar. */
    static List<String> spawn(DemoApi api, String kind, int count) {
        List<String> ids = start(api, kind, count);
        awaitConnected(api, ids);
        return ids;
    }

    /** Starts agents without waiting for them. */
    static List<String> start(DemoApi api, String kind, int count) {
        JsonNode agents = api.ok("/agents", Map.of("kind", kind, "count", count)).path("agents");
        List<String> ids = StreamSupport.stream(agents.spliterator(), false).map(a -> a.path("agent_id").asText())
                .toList();
        assertThat(ids).hasSize(count);
        return ids;
    }

    static void awaitConnected(DemoApi api, List<String> ids) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode state = api.state();
            return ids.stream().allMatch(id -> api.agent(state, id).path("status").asText().equals("running"));
        });
    }

    /** Waits for an agent's event about a run, as the page would see it. */
    static JsonNode awaitEvent(EventRecorder events, String type, String runId, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> events.events(type).stream()
                .anyMatch(e -> runId.equals(e.path("run_id").asText())));
        return events.events(type).stream().filter(e -> runId.equals(e.path("run_id").asText())).findFirst()
                .orElseThrow();
    }

    /**
     * The race: three agents of one kind wait; each round registers one run, and exactly one of them must win its
     * claim: one successful {@code workflow_claim} per run, fencing token 1, and that agent completes it.
     *
     * @return how many rounds saw at least one refused claim (a real race at the sidecar); for the report only
     */
    static int race(DemoApi api, EventRecorder events, int rounds) {
        api.ok("/pr", Map.of("diff", ONE_FILE_DIFF, "name", "race.diff"));
        List<String> racers = spawn(api, "security", 3);
        List<String> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            String runId = api.ok("/runs", Map.of("kinds", List.of("security"))).at("/runs/0/run_id").asText();
            runs.add(runId);
            awaitEvent(events, "complete", runId, Duration.ofSeconds(20));
        }
        int contested = 0;
        for (String runId : runs) {
            JsonNode run = api.run(runId);
            List<JsonNode> claims = events.tools("workflow_claim").stream()
                    .filter(t -> t.at("/args/run_id").asText().equals(runId)).toList();
            List<String> winners = claims.stream().filter(t -> t.at("/result/claimed").asBoolean())
                    .map(t -> t.path("caller").asText()).toList();
            assertThat(winners).as("successful claims of %s", runId).hasSize(1);
            assertThat(racers).contains(winners.get(0));
            assertThat(run.path("agent_id").asText()).as("the winner completed %s", runId).isEqualTo(winners.get(0));
            assertThat(run.path("fencing_token").asInt()).as("claims of %s", runId).isEqualTo(1);
            if (claims.size() > 1) {
                contested++;
            }
        }
        return contested;
    }

    /**
     * The crash: three security agents (one active, two waiting), one performance, one style on a five-file
     * fixture; the active security agent is killed with SIGKILL after its first checkpoints; a waiting one claims
     * the run once the claim lapses and continues from the last checkpoint; the aggregate holds every kind's known
     * findings, each once.
     */
    static void crashAndRecover(DemoApi api, EventRecorder events, URI sidecarUrl) {
        crashAndRecover(api, events, sidecarUrl, null, 3);
    }

    /**
     * The crash, with {@code newSecurityAgents} security agents started for it (0 when agents of an earlier flow
     * still wait for work: together there must be at least two).
     */
    static void crashAndRecover(DemoApi api, EventRecorder events, URI sidecarUrl, String sidecarToken,
            int newSecurityAgents) {
        String fixture = "orders-report";
        JsonNode pr = api.ok("/pr", Map.of("fixture", fixture)).path("pr");
        int files = pr.path("files").size();
        assertThat(files).isEqualTo(5);
        Map<String, String> runs = new LinkedHashMap<>();
        api.ok("/runs", Map.of()).path("runs").forEach(r -> runs.put(r.path("kind").asText(),
                r.path("run_id").asText()));
        assertThat(runs.keySet()).containsExactly("security", "performance", "style");
        if (newSecurityAgents > 0) {
            start(api, "security", newSecurityAgents);
        }
        start(api, "performance", 1);
        start(api, "style", 1);

        String security = runs.get("security");
        JsonNode checkpoint = awaitEvent(events, "checkpoint", security, Duration.ofSeconds(60));
        String victim = checkpoint.path("source").asText();
        JsonNode crash = api.ok("/agents/" + victim + "/crash", Map.of());
        assertThat(crash.path("crashed").asBoolean()).isTrue();

        for (String runId : runs.values()) {
            awaitEvent(events, "complete", runId, Duration.ofSeconds(40));
        }
        assertThat(runs.values()).allSatisfy(id -> assertThat(api.run(id).path("status").asText())
                .isEqualTo("completed"));
        JsonNode after = api.run(security);
        String successor = after.path("agent_id").asText();
        assertThat(successor).as("another agent completed the run").isNotEqualTo(victim).startsWith("security-");
        assertThat(after.path("fencing_token").asInt()).as("claims: the victim's, then the successor's").isEqualTo(2);
        assertThat(api.agent(api.state(), victim).path("status").asText()).isEqualTo("crashed");

        // the sidecar's own record: one checkpoint per file, the victim's first, then the successor's
        try (SidecarClient sidecar = SidecarClient.connect(sidecarUrl, sidecarToken, "test", Duration.ofSeconds(10),
                SidecarClient.CallListener.NONE)) {
            JsonNode resumed = sidecar.call("workflow_resume", Map.of("run_id", security));
            Map<Integer, String> byStep = new TreeMap<>();
            for (Map.Entry<String, JsonNode> step : resumed.path("step_outputs").properties()) {
                byStep.put(Integer.parseInt(step.getKey()), step.getValue().path("agent_id").asText());
            }
            assertThat(byStep.keySet()).containsExactly(0, 1, 2, 3, 4);
            List<String> order = byStep.values().stream().distinct().toList();
            assertThat(order).as("checkpoint authors in step order").containsExactly(victim, successor);
        }
        // the review slot: a lease_* that the victim took and never gave back, the successor took once it lapsed,
        // renewed while it worked (every third of the lease) and released at the end
        List<String> slotHolders = events.tools("lease_acquire").stream()
                .filter(t -> t.path("result").path("acquired").asBoolean())
                .filter(t -> t.path("args").path("resource_id").asText().endsWith("/slot/" + security))
                .map(t -> t.path("caller").asText()).distinct().toList();
        assertThat(slotHolders).as("the run's review slot: the victim's, then the successor's")
                .containsExactly(victim, successor);
        List<String> releasedBy = events.tools("lease_release").stream()
                .filter(t -> t.path("args").path("resource_id").asText().endsWith("/slot/" + security))
                .map(t -> t.path("caller").asText()).toList();
        assertThat(releasedBy).as("the successor gave the slot back; the victim never did").containsExactly(successor);
        List<String> slots = runs.values().stream().map(id -> "/slot/" + id).toList();
        assertThat(events.tools("lease_renew")).as("a five-file review (5 x 150 ms) of this PR outlasts a third of "
                + "the lease").anySatisfy(t -> {
                    assertThat(slots).anySatisfy(slot -> assertThat(t.at("/args/resource_id").asText()).endsWith(slot));
                    assertThat(t.path("result").path("renewed").asBoolean()).isTrue();
                });
        List<JsonNode> recovery = events.events("recovery");
        assertThat(recovery).as("the successor said it resumed").anySatisfy(e -> {
            assertThat(e.path("source").asText()).isEqualTo(successor);
            assertThat(e.path("run_id").asText()).isEqualTo(security);
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !events.events("claim_lapsed").isEmpty());
        assertThat(events.events("agent_crashed")).anySatisfy(e -> assertThat(e.path("message").asText())
                .contains(victim));

        JsonNode report = api.ok("/aggregate", Map.of());
        assertThat(report.path("complete").asBoolean()).isTrue();
        List<String> found = StreamSupport.stream(report.path("findings").spliterator(), false)
                .map(f -> f.path("kind").asText() + " " + f.path("severity").asText() + " " + f.path("rule").asText()
                        + " " + f.path("file").asText() + ":" + f.path("line").asInt()).sorted().toList();
        assertThat(found).as("no file's findings twice").doesNotHaveDuplicates();
        assertThat(found).as("every kind's known findings").containsExactlyElementsOf(Fixtures.expected(fixture));
        assertThat(Set.copyOf(found.stream().map(f -> f.substring(0, f.indexOf(' '))).toList()))
                .containsExactlyInAnyOrder("security", "performance", "style");
        for (JsonNode run : report.path("runs")) {
            assertThat(run.path("files_reviewed").asInt()).as(run.path("kind").asText()).isEqualTo(files);
        }
        String markdown = report.path("markdown").asText();
        assertThat(markdown).contains("## High (6)", "## Medium (5)", "## Low (2)", "## Info (1)")
                .contains("by " + victim + ", " + successor);
    }
}
