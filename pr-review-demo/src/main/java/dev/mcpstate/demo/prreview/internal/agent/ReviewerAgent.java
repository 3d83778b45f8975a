package dev.mcpstate.demo.prreview.internal.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.PatchSet;
import dev.mcpstate.demo.prreview.internal.diff.UnifiedDiff;
import dev.mcpstate.demo.prreview.internal.review.Finding;
import dev.mcpstate.demo.prreview.internal.review.Reviewer;
import dev.mcpstate.demo.prreview.internal.sidecar.DemoKeys;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarClient;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One reviewer agent's life: it finds the open runs of its kind in its demo session ({@code workflow_discover} by
 * tags), claims one with a claim lease ({@code workflow_claim}), takes the run's review-slot lease
 * ({@code lease_acquire}, renewed in the background), continues from the run's last checkpoint
 * ({@code workflow_resume}), reviews file after file with a {@code workflow_checkpoint} of each file's findings,
 * and ends with {@code workflow_complete}. While another agent holds a run it waits; when that claim lapses (the
 * holder crashed) it claims the run and resumes it. It exits when no open run of its kind has been seen for
 * {@link dev.mcpstate.demo.prreview.AgentTimings#idleExit()}, or after its maximum runtime: every loop is bounded.
 *
 * <p>Not thread-safe: one agent, one thread (plus its lease renewer).
 */
final class ReviewerAgent {

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final long PR_TTL_SECONDS = 24 * 3600;

    private final AgentOptions options;
    private final SidecarClient sidecar;
    private final AgentOutput out;
    private final DemoKeys keys;
    private final Reviewer reviewer;
    private final long pid;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slot-renewer");
        t.setDaemon(true);
        return t;
    });
    private String lastHeartbeat;
    private long lastHeartbeatAt;

    ReviewerAgent(AgentOptions options, SidecarClient sidecar, AgentOutput out, long pid) {
        this.options = options;
        this.sidecar = sidecar;
        this.out = out;
        this.keys = new DemoKeys(options.demoId());
        this.reviewer = options.kind().reviewer();
        this.pid = pid;
    }

    /** @return why the agent stopped: idle, or out of time */
    String run() {
        long deadline = System.currentTimeMillis() + options.maxRuntime().toMillis();
        long idleSince = System.currentTimeMillis();
        try {
            pause(idleWait()); // agents started together look for runs together
            while (System.currentTimeMillis() < deadline) {
                Duration wait = idleWait();
                try {
                    List<JsonNode> open = openRuns();
                    if (open.isEmpty()) {
                        if (System.currentTimeMillis() - idleSince >= options.timings().idleExit().toMillis()) {
                            heartbeat("exited", null, "idle");
                            return "no open " + options.kind().wireName() + " run for "
                                    + options.timings().idleExit().toMillis() + " ms";
                        }
                        heartbeat("idle", null, "waiting for a " + options.kind().wireName() + " run");
                    } else {
                        idleSince = System.currentTimeMillis();
                        wait = claimAndReview(open);
                    }
                } catch (SidecarException e) {
                    out.event("error", null, e.getMessage());
                }
                pause(wait);
            }
            return "maximum runtime of " + options.maxRuntime().toMillis() + " ms reached";
        } finally {
            renewer.shutdownNow();
        }
    }

    /** @return the runs of this agent's kind that are not completed or failed, oldest first */
    private List<JsonNode> openRuns() {
        JsonNode found = sidecar.call("workflow_discover", Map.of("tags", keys.kindTags(options.kind().wireName())));
        List<JsonNode> open = new ArrayList<>();
        for (JsonNode run : found.path("runs")) {
            String status = run.path("status").asText();
            if (!status.equals("completed") && !status.equals("failed")) {
                open.add(run);
            }
        }
        open.sort(Comparator.comparingDouble(run -> run.path("created_at").asDouble()));
        return open;
    }

    /**
     * Claims the oldest claimable run and reviews it, or waits for one.
     *
     * @return how long to wait before looking again: nothing after a review; while every open run is held by
     *     someone else, until the earliest of their claims could lapse or the next {@link #idleWait()} tick,
     *     whichever comes first
     */
    private Duration claimAndReview(List<JsonNode> open) {
        for (JsonNode run : open) {
            if (!claimable(run)) {
                continue;
            }
            String runId = run.path("run_id").asText();
            JsonNode claim = sidecar.call("workflow_claim", Map.of("run_id", runId, "agent_id", options.agentId(),
                    "lease_ttl_seconds", seconds(options.timings().claimTtl())));
            if (claim.path("claimed").asBoolean()) {
                long token = claim.path("fencing_token").asLong();
                out.event("claim_won", runId, "claimed " + runId + " (fencing token " + token + ")");
                review(runId, token);
                return Duration.ZERO;
            }
            out.event("claim_lost", runId, "claim of " + runId + " refused: " + claim.path("reason").asText());
        }
        JsonNode first = open.get(0);
        heartbeat("standby", first.path("run_id").asText(), "waiting: " + first.path("run_id").asText() + " is held by "
                + first.path("agent_id").asText("nobody"));
        long lapse = Long.MAX_VALUE;
        for (JsonNode run : open) {
            JsonNode expires = run.path("claim_expires_at");
            if (expires.isNumber()) {
                lapse = Math.min(lapse, (long) Math.ceil(expires.asDouble() * 1000) - System.currentTimeMillis() + 5);
            }
        }
        return Duration.ofMillis(Math.max(1, Math.min(lapse, idleWait().toMillis())));
    }

    /**
     * @return how long an agent with no open run waits before looking again: until the next multiple of five polls
     *     (at most a second) on the wall clock, so that idle agents look at the same instants and race for a new run
     *     for real
     */
    private Duration idleWait() {
        long period = Math.min(1000, 5 * options.timings().poll().toMillis());
        return Duration.ofMillis(period - System.currentTimeMillis() % period);
    }

    /** A run can be claimed when nobody claimed it yet, or its claim lease has lapsed. */
    private static boolean claimable(JsonNode run) {
        String status = run.path("status").asText();
        if (status.equals("created")) {
            return true;
        }
        JsonNode expires = run.path("claim_expires_at");
        return expires.isNumber() && expires.asDouble() * 1000 <= System.currentTimeMillis();
    }

    private void review(String runId, long fencingToken) {
        heartbeat("reviewing", runId, "taking the review slot");
        Slot slot = takeSlot(runId);
        if (slot == null) {
            return; // the claim lapses; someone (maybe this agent) claims the run again later
        }
        try {
            JsonNode resume = sidecar.call("workflow_resume", Map.of("run_id", runId));
            String prId = resume.at("/meta/tags/pr").asText();
            JsonNode pr = sidecar.call("state_get", Map.of("key", keys.pr(prId)));
            if (!pr.path("found").asBoolean()) {
                fail(runId, "pull request " + prId + " is not in the sidecar (key " + keys.pr(prId) + ")");
                return;
            }
            PatchSet patch = UnifiedDiff.parse(pr.at("/value/diff").asText());
            int files = patch.files().size();
            JsonNode lastStep = resume.path("last_step");
            int start = lastStep.isNumber() ? lastStep.asInt() + 1 : 0;
            int findings = 0;
            TreeSet<String> before = new TreeSet<>();
            for (Map.Entry<String, JsonNode> step : resume.path("step_outputs").properties()) {
                JsonNode output = step.getValue();
                findings += output.path("findings").size();
                before.add(output.path("agent_id").asText());
            }
            if (start > 0) {
                out.event("recovery", runId, "resuming " + runId + " from its last checkpoint: file " + (start + 1)
                        + " of " + files + " (files 1-" + Math.min(start, files) + " reviewed by "
                        + String.join(", ", before) + ")");
            }
            for (int step = start; step < files; step++) {
                if (slot.lost) {
                    out.event("slot_lost", runId, "lost the review slot of " + runId + ": stopping");
                    return;
                }
                DiffFile file = patch.files().get(step);
                heartbeat("reviewing", runId, "file " + (step + 1) + "/" + files + ": " + file.path());
                pause(options.timings().fileDelay());
                List<Finding> found = reviewer.review(file, patch);
                Map<String, Object> output = new LinkedHashMap<>();
                output.put("file", file.path());
                output.put("findings", JSON.convertValue(found, List.class));
                output.put("agent_id", options.agentId());
                output.put("fencing_token", fencingToken);
                JsonNode saved = sidecar.call("workflow_checkpoint", Map.of("run_id", runId, "step", step,
                        "output", output, "agent_id", options.agentId()));
                if (!saved.path("ok").asBoolean()) {
                    out.event("checkpoint_refused", runId, "checkpoint of file " + (step + 1) + " refused: "
                            + saved.path("reason").asText() + "; stopping");
                    return;
                }
                findings += found.size();
                out.event("checkpoint", runId, "file " + (step + 1) + "/" + files + " " + file.path() + ": "
                        + found.size() + " finding(s)");
                sidecar.call("state_set", Map.of("key", keys.progress(runId), "agent_id", options.agentId(),
                        "ttl_seconds", PR_TTL_SECONDS, "value", progress(runId, step + 1, files, findings,
                                file.path())));
            }
            JsonNode done = sidecar.call("workflow_complete", Map.of("run_id", runId, "agent_id", options.agentId(),
                    "output", Map.of("kind", options.kind().wireName(), "files", files, "findings", findings,
                            "completed_by", options.agentId())));
            out.event(done.path("ok").asBoolean() ? "complete" : "complete_refused", runId,
                    done.path("ok").asBoolean() ? "completed " + runId + ": " + findings + " finding(s) in " + files
                            + " file(s)" : "completion of " + runId + " refused: " + done.path("reason").asText());
        } catch (IllegalArgumentException e) {
            fail(runId, "the pull request's diff cannot be read: " + e.getMessage());
        } finally {
            slot.release();
        }
    }

    private Map<String, Object> progress(String runId, int done, int files, int findings, String lastFile) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("run_id", runId);
        value.put("kind", options.kind().wireName());
        value.put("agent_id", options.agentId());
        value.put("files_done", done);
        value.put("files_total", files);
        value.put("findings", findings);
        value.put("last_file", lastFile);
        return value;
    }

    private void fail(String runId, String error) {
        sidecar.call("workflow_fail", Map.of("run_id", runId, "agent_id", options.agentId(), "error", error));
        out.event("error", runId, error);
    }

    /** @return the slot, held and renewed in the background; null when it stayed taken for a whole lease */
    private Slot takeSlot(String runId) {
        String resource = keys.slot(runId);
        long giveUpAt = System.currentTimeMillis() + options.timings().leaseTtl().toMillis()
                + options.timings().poll().toMillis();
        boolean told = false;
        while (true) {
            JsonNode lease = sidecar.call("lease_acquire", Map.of("resource_id", resource, "holder_id",
                    options.agentId(), "ttl_seconds", seconds(options.timings().leaseTtl())));
            if (lease.path("acquired").asBoolean()) {
                out.event("slot_taken", runId, "holds the review slot " + resource + " (fencing token "
                        + lease.path("fencing_token").asLong() + ")");
                return new Slot(resource);
            }
            if (System.currentTimeMillis() >= giveUpAt) {
                out.event("slot_busy", runId, "review slot still " + lease.path("reason").asText()
                        + ": letting the claim lapse");
                return null;
            }
            if (!told) {
                out.event("slot_wait", runId, "review slot " + lease.path("reason").asText() + ": waiting for it");
                told = true;
            }
            pause(options.timings().poll());
        }
    }

    /** Writes the agent's heartbeat key when what it says changed, or half its TTL has passed. */
    private void heartbeat(String state, String runId, String detail) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("agent_id", options.agentId());
        value.put("kind", options.kind().wireName());
        value.put("pid", pid);
        value.put("state", state);
        value.put("run_id", runId);
        value.put("detail", detail);
        String text = value.toString();
        long ttlMillis = Math.max(2000, 2 * options.timings().claimTtl().toMillis());
        if (text.equals(lastHeartbeat) && System.currentTimeMillis() - lastHeartbeatAt < ttlMillis / 2) {
            return;
        }
        sidecar.call("state_set", Map.of("key", keys.agent(options.agentId()), "value", value,
                "ttl_seconds", ttlMillis / 1000.0, "agent_id", options.agentId()));
        lastHeartbeat = text;
        lastHeartbeatAt = System.currentTimeMillis();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** The agent's bounded wait between polls and its simulated work per file. */
    private static void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A held review-slot lease, renewed every third of its TTL until released. */
    private final class Slot {
        private final String resource;
        private final ScheduledFuture<?> renewal;
        private volatile boolean lost;

        Slot(String resource) {
            this.resource = Objects.requireNonNull(resource);
            long every = Math.max(10, options.timings().leaseTtl().toMillis() / 3);
            this.renewal = renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            try {
                JsonNode renewed = sidecar.call("lease_renew", Map.of("resource_id", resource, "holder_id",
                        options.agentId(), "ttl_seconds", seconds(options.timings().leaseTtl())));
                if (!renewed.path("renewed").asBoolean()) {
                    lost = true;
                }
            } catch (SidecarException e) {
                lost = true;
            }
        }

        void release() {
            renewal.cancel(false);
            try {
                sidecar.call("lease_release", Map.of("resource_id", resource, "holder_id", options.agentId()));
            } catch (SidecarException e) {
                out.event("error", null, e.getMessage());
            }
        }
    }
}
