package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.demo.prreview.AgentTimings;
import dev.mcpstate.demo.prreview.internal.review.Finding;
import dev.mcpstate.demo.prreview.internal.review.ReviewKind;
import dev.mcpstate.demo.prreview.internal.sidecar.DemoKeys;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarClient;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One dashboard's demo: what each API call does, apart from HTTP. The dashboard's own sidecar calls go through
 * one MCP session (and into the tool log); the state view that feeds the panels reads through a second, quiet one.
 *
 * <p>A demo session has an id ({@code demo-} and 6 hex digits); every key, tag and lease of it is named by
 * {@link DemoKeys}. {@link #reset()} starts a new session: it stops the agents and forgets the old id, whose state
 * stays in the sidecar untouched (keys expire; runs keep their old demo tag and are never seen again). It does not
 * call {@code sidecar_reset}, so it works on any sidecar, shared or not.
 *
 * <p>Thread-safe. Errors the caller can act on are {@link ApiException}s; a sidecar fault is an
 * {@link ApiException} with status 502.
 */
public final class DemoService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoService.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long PR_TTL_SECONDS = 24 * 3600;
    private static final int MAX_AGENTS_PER_CALL = 5;

    /** An immutable view of the current demo session. */
    private record Session(String demoId, LoadedPr pr) {
        DemoKeys keys() {
            return new DemoKeys(demoId);
        }
    }

    private final URI sidecarUrl;
    private final PrSources sources;
    private final EventHub hub = new EventHub();
    private final SidecarClient actions;
    private final SidecarClient reader;
    private final AgentProcesses agents;
    private final ScheduledExecutorService poller;
    private final Map<String, ClaimSeen> claimsSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Session session = new Session(newDemoId(), null);
    /**
     * Held while a reset switches the demo session, and while the agents' listener checks an agent's demo session and
     * reports it: an agent of the session left behind is reported before the reset or not at all.
     */
    private final Object switching = new Object();
    private volatile JsonNode lastState;

    private DemoService(URI sidecarUrl, String sidecarToken, AgentTimings timings, PrSources sources, Path logDir) {
        this.sidecarUrl = sidecarUrl;
        this.sources = sources;
        this.actions = SidecarClient.connect(sidecarUrl, sidecarToken, "pr-review-dashboard", Duration.ofSeconds(15),
                (tool, args, result, error, millis) -> hub.tool("dashboard", tool, JSON.valueToTree(args), result,
                        error, millis));
        SidecarClient quiet;
        try {
            quiet = SidecarClient.connect(sidecarUrl, sidecarToken, "pr-review-dashboard-view", Duration.ofSeconds(15),
                    SidecarClient.CallListener.NONE);
        } catch (RuntimeException e) {
            actions.close();
            throw e;
        }
        this.reader = quiet;
        this.agents = new AgentProcesses(sidecarUrl, sidecarToken, timings, logDir, new Listener());
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pr-review-state");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to the sidecar and starts pushing state to the event hub.
     *
     * @param sidecarUrl    the sidecar's MCP endpoint; not null
     * @param sidecarToken  the bearer token the dashboard and its agents show the sidecar, or null for none
     * @param timings       the agents' timings; not null
     * @param githubApi     the GitHub API base URL, e.g. {@code https://api.github.com}; not null
     * @param githubTimeout the bound of one GitHub fetch; not null
     * @param logDir        where the agents' standard error goes; created when missing
     * @param statePoll     how often the state view is refreshed for the live panels; positive
     * @return the running service
     * @throws SidecarException when the sidecar cannot be reached
     */
    public static DemoService start(URI sidecarUrl, String sidecarToken, AgentTimings timings, URI githubApi,
            Duration githubTimeout, Path logDir, Duration statePoll) {
        DemoService service = new DemoService(sidecarUrl, sidecarToken, timings,
                new PrSources(githubApi, githubTimeout), logDir);
        service.poller.scheduleWithFixedDelay(service::refresh, 0, statePoll.toMillis(), TimeUnit.MILLISECONDS);
        service.hub.event("dashboard", "started", null, "demo session " + service.session.demoId()
                + " on the sidecar at " + sidecarUrl);
        return service;
    }

    /** @return the live feed of the panels */
    public EventHub hub() {
        return hub;
    }

    /** {@code GET /api/fixtures}: {@code {"fixtures": [name...]}}. */
    public ObjectNode fixtures() {
        ObjectNode json = JSON.createObjectNode();
        sources.fixtures().forEach(json.putArray("fixtures")::add);
        return json;
    }

    /**
     * {@code POST /api/pr}: loads a pull request from exactly one of {@code fixture}, {@code diff} (with an optional
     * {@code name}) or {@code url}, and stores it in the sidecar for the agents.
     *
     * @return {@code {"pr": {id, title, source, additions, deletions, files: [...], diff}}}
     */
    public ObjectNode loadPr(JsonNode body) {
        List<String> given = new ArrayList<>();
        for (String field : List.of("fixture", "diff", "url")) {
            if (body.hasNonNull(field) && !body.get(field).asText().isBlank()) {
                given.add(field);
            }
        }
        if (given.size() != 1) {
            throw new ApiException(400, "give exactly one of fixture, diff or url");
        }
        PrSources.Loaded loaded = switch (given.get(0)) {
            case "fixture" -> sources.fixture(body.get("fixture").asText());
            case "diff" -> sources.upload(body.get("diff").asText(), body.path("name").asText(null));
            default -> sources.github(body.get("url").asText());
        };
        LoadedPr pr = LoadedPr.of(loaded);
        Session current = session;
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", pr.id());
        value.put("title", pr.title());
        value.put("source", pr.source());
        value.put("files", pr.patch().files().size());
        value.put("diff", pr.diff());
        sidecar(() -> actions.call("state_set", Map.of("key", current.keys().pr(pr.id()), "value", value,
                "ttl_seconds", PR_TTL_SECONDS, "agent_id", "dashboard")));
        session = new Session(current.demoId(), pr);
        hub.event("dashboard", "pr_loaded", null, "loaded " + pr.id() + " \"" + pr.title() + "\" from "
                + pr.source() + ": " + pr.patch().files().size() + " files");
        refreshSoon();
        ObjectNode json = JSON.createObjectNode();
        json.set("pr", pr.summary().put("diff", pr.diff()));
        return json;
    }

    /**
     * {@code POST /api/runs}: registers one run per kind (or per kind of the optional {@code kinds} array) for the
     * loaded pull request, tagged with the demo, the pull request and the kind.
     *
     * @return {@code {"runs": [{run_id, kind}...]}}
     * @throws ApiException 409 when no pull request is loaded, 400 for an unknown kind
     */
    public ObjectNode registerRuns(JsonNode body) {
        Session current = session;
        if (current.pr() == null) {
            throw new ApiException(409, "load a pull request first");
        }
        List<ReviewKind> kinds = new ArrayList<>();
        if (body.has("kinds")) {
            for (JsonNode kind : body.get("kinds")) {
                kinds.add(kind(kind.asText()));
            }
        } else {
            kinds.addAll(List.of(ReviewKind.values()));
        }
        if (kinds.isEmpty()) {
            throw new ApiException(400, "kinds must name at least one of " + ReviewKind.wireNames());
        }
        ObjectNode json = JSON.createObjectNode();
        ArrayNode runs = json.putArray("runs");
        for (ReviewKind kind : new LinkedHashSet<>(kinds)) {
            JsonNode created = sidecar(() -> actions.call("workflow_create", Map.of(
                    "name", kind.wireName() + " review of " + current.pr().id(),
                    "tags", current.keys().runTags(current.pr().id(), kind.wireName()))));
            runs.addObject().put("run_id", created.path("run_id").asText()).put("kind", kind.wireName());
        }
        hub.event("dashboard", "runs_registered", null, "registered " + runs.size() + " run(s) for "
                + current.pr().id() + ": " + runs.findValuesAsText("run_id"));
        refreshSoon();
        return json;
    }

    /**
     * {@code POST /api/agents}: starts {@code count} (1 to 5, default 1) agent processes of {@code kind}.
     *
     * @return {@code {"agents": [{agent_id, kind, pid}...]}}
     */
    public ObjectNode spawn(JsonNode body) {
        ReviewKind kind = kind(body.path("kind").asText(null));
        int count = body.path("count").asInt(1);
        if (count < 1 || count > MAX_AGENTS_PER_CALL) {
            throw new ApiException(400, "count must be 1.." + MAX_AGENTS_PER_CALL + ", was: " + body.path("count"));
        }
        Session current = session;
        ObjectNode json = JSON.createObjectNode();
        ArrayNode list = json.putArray("agents");
        for (AgentProcesses.Agent agent : agents.spawn(current.demoId(), kind, count)) {
            list.addObject().put("agent_id", agent.agentId).put("kind", kind.wireName()).put("pid", agent.pid());
            hub.event("dashboard", "agent_spawned", null, "started " + agent.agentId + " (pid " + agent.pid() + ")");
        }
        refreshSoon();
        return json;
    }

    /**
     * {@code POST /api/agents/{agent_id}/crash}: kills the agent's process with SIGKILL.
     *
     * @return {@code {"agent_id", "pid", "crashed": true, "held": [run ids it had claimed]}}
     */
    public ObjectNode crash(String agentId) {
        List<String> held = new ArrayList<>();
        JsonNode state = lastState;
        if (state != null) {
            for (JsonNode run : state.path("runs")) {
                if (agentId.equals(run.path("agent_id").asText()) && !finalStatus(run.path("status").asText())) {
                    held.add(run.path("run_id").asText());
                }
            }
        }
        AgentProcesses.Agent agent = agents.crash(agentId);
        hub.event("dashboard", "agent_crashed", held.isEmpty() ? null : held.get(0), "killed " + agentId + " (pid "
                + agent.pid() + ") with SIGKILL" + (held.isEmpty() ? "" : " while it held " + String.join(", ", held)
                + ": its claim lapses and a waiting agent resumes from the last checkpoint"));
        ObjectNode json = JSON.createObjectNode().put("agent_id", agentId).put("pid", agent.pid()).put("crashed", true);
        held.forEach(json.putArray("held")::add);
        return json;
    }

    /**
     * {@code GET /api/state}: the runs of this demo session, its agents and its keys, read from the sidecar now.
     *
     * @return {@code {demo_id, sidecar_url, pr, runs: [...], agents: [...], kv: {...}}}
     */
    public ObjectNode state() {
        return state(session);
    }

    private ObjectNode state(Session current) {
        DemoKeys keys = current.keys();
        JsonNode found = sidecar(() -> reader.call("workflow_discover", Map.of("tags", keys.demoTags())));
        List<JsonNode> runList = new ArrayList<>();
        found.path("runs").forEach(runList::add);
        runList.sort(Comparator.comparingDouble((JsonNode r) -> r.path("created_at").asDouble())
                .thenComparing(r -> r.path("run_id").asText()));
        ObjectNode json = JSON.createObjectNode().put("demo_id", current.demoId())
                .put("sidecar_url", sidecarUrl.toString());
        if (current.pr() == null) {
            json.putNull("pr");
        } else {
            json.set("pr", current.pr().summary());
        }
        ArrayNode runs = json.putArray("runs");
        for (JsonNode run : runList) {
            ObjectNode r = runs.addObject().put("run_id", run.path("run_id").asText())
                    .put("kind", run.at("/tags/kind").asText()).put("pr", run.at("/tags/pr").asText())
                    .put("status", run.path("status").asText());
            r.set("agent_id", run.path("agent_id"));
            r.set("last_step", run.path("last_step"));
            if (current.pr() != null && current.pr().id().equals(run.at("/tags/pr").asText())) {
                r.put("files_total", current.pr().patch().files().size());
            }
            r.set("fencing_token", run.path("fencing_token"));
            r.set("claim_expires_at", run.path("claim_expires_at"));
            r.set("updated_at", run.path("updated_at"));
        }
        Map<String, JsonNode> kv = new TreeMap<>();
        JsonNode listed = sidecar(() -> reader.call("state_list", Map.of("prefix", keys.prefix())));
        for (JsonNode key : listed.path("keys")) {
            String name = key.asText();
            if (current.pr() != null && name.equals(keys.pr(current.pr().id()))) {
                kv.put(name, JSON.createObjectNode().put("id", current.pr().id()).put("title", current.pr().title())
                        .put("files", current.pr().patch().files().size())
                        .put("diff", "(" + current.pr().diff().length() + " characters)"));
            } else if (name.startsWith(keys.prefix() + "pr/")) {
                kv.put(name, JSON.createObjectNode().put("diff", "(an earlier pull request)"));
            } else {
                JsonNode entry = sidecar(() -> reader.call("state_get", Map.of("key", name)));
                if (entry.path("found").asBoolean()) {
                    kv.put(name, entry.path("value"));
                }
            }
        }
        ArrayNode agentList = json.putArray("agents");
        for (AgentProcesses.Agent agent : agents.list()) {
            ObjectNode a = agentList.addObject().put("agent_id", agent.agentId).put("kind", agent.kind.wireName())
                    .put("pid", agent.pid()).put("status", agent.status);
            JsonNode heartbeat = kv.get(keys.agent(agent.agentId));
            if (heartbeat != null && agent.alive()) {
                a.put("state", heartbeat.path("state").asText());
                a.set("run_id", heartbeat.path("run_id"));
                a.put("detail", heartbeat.path("detail").asText());
            }
            if (agent.exitCode != null) {
                a.put("exit_code", agent.exitCode);
            }
            if (agent.exitReason != null) {
                a.put("exit_reason", agent.exitReason);
            }
        }
        ObjectNode kvJson = json.putObject("kv");
        kv.forEach(kvJson::set);
        return json;
    }

    /**
     * {@code POST /api/aggregate}: one report of the loaded pull request's reviews, from each kind's run (the newest
     * completed one, else the newest): every checkpointed file's findings, once per file.
     *
     * @return {@link ReviewReport#toJson()}
     * @throws ApiException 409 when no pull request is loaded
     */
    public ObjectNode aggregate() {
        ReviewReport report = report();
        hub.event("dashboard", "aggregated", null, "aggregated " + report.findings().size() + " finding(s) from "
                + report.runs().size() + " run(s)" + (report.complete() ? "" : " (reviews not complete yet)"));
        return report.toJson();
    }

    /** {@code GET /api/report.md}: the aggregate as Markdown. */
    public String reportMarkdown() {
        return report().markdown();
    }

    private ReviewReport report() {
        Session current = session;
        if (current.pr() == null) {
            throw new ApiException(409, "load a pull request first");
        }
        Map<String, Object> tags = current.keys().demoTags();
        tags.put("pr", current.pr().id());
        JsonNode found = sidecar(() -> actions.call("workflow_discover", Map.of("tags", tags)));
        Map<ReviewKind, JsonNode> chosen = new TreeMap<>();
        for (JsonNode run : found.path("runs")) { // newest first
            ReviewKind kind = ReviewKind.fromWireName(run.at("/tags/kind").asText());
            JsonNode before = chosen.get(kind);
            if (before == null || !before.path("status").asText().equals("completed")
                    && run.path("status").asText().equals("completed")) {
                chosen.put(kind, run);
            }
        }
        List<ReviewReport.RunPart> parts = new ArrayList<>();
        List<ReviewReport.Entry> entries = new ArrayList<>();
        for (Map.Entry<ReviewKind, JsonNode> e : chosen.entrySet()) {
            String runId = e.getValue().path("run_id").asText();
            JsonNode resumed = sidecar(() -> actions.call("workflow_resume", Map.of("run_id", runId)));
            Set<String> by = new LinkedHashSet<>();
            int reviewed = 0;
            Map<Integer, JsonNode> steps = new TreeMap<>();
            for (Map.Entry<String, JsonNode> step : resumed.path("step_outputs").properties()) {
                steps.put(Integer.parseInt(step.getKey()), step.getValue());
            }
            for (Map.Entry<Integer, JsonNode> step : steps.entrySet()) {
                reviewed++;
                String agentId = step.getValue().path("agent_id").asText();
                by.add(agentId);
                for (JsonNode f : step.getValue().path("findings")) {
                    entries.add(new ReviewReport.Entry(JSON.convertValue(f, Finding.class), agentId, step.getKey()));
                }
            }
            parts.add(new ReviewReport.RunPart(runId, e.getKey(), resumed.at("/meta/status").asText(), reviewed,
                    List.copyOf(by)));
        }
        return new ReviewReport(current.pr(), parts, entries);
    }

    /**
     * {@code POST /api/reset}: stops every agent and starts a new demo session with a new id.
     *
     * @return {@code {"demo_id": new id, "previous": old id}}
     */
    public ObjectNode reset() {
        String previous = session.demoId();
        agents.stopAll(); // not under the lock: their exits are reported through it
        synchronized (switching) {
            session = new Session(newDemoId(), null);
            claimsSeen.clear();
            hub.clearHistory();
            hub.event("dashboard", "reset", null, "new demo session " + session.demoId() + "; " + previous
                    + " and its state are left behind (its keys expire)");
        }
        refreshSoon();
        return JSON.createObjectNode().put("demo_id", session.demoId()).put("previous", previous);
    }

    /** Refreshes the state view on the view's thread now, without waiting for it. */
    private void refreshSoon() {
        try {
            poller.execute(this::refresh);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** Reads the state and pushes it to the hub when it changed; reports claims that lapsed. */
    private void refresh() {
        try {
            Session current = session;
            JsonNode state = state(current);
            if (current != session) {
                return; // a reset or a new pull request came meanwhile: this view is stale, the next one is queued
            }
            if (!state.equals(lastState)) {
                lastState = state;
                hub.state(state);
            }
            reportLapsedClaims(state);
        } catch (RuntimeException e) {
            log.debug("state refresh failed", e);
        }
    }

    /**
     * Reports each lapsed claim once: seen lapsed (not final, past its expiry), or seen taken over (the fencing
     * token grew and another agent holds the run), whichever the view notices first.
     */
    private void reportLapsedClaims(JsonNode state) {
        double now = System.currentTimeMillis() / 1000.0;
        for (JsonNode run : state.path("runs")) {
            String runId = run.path("run_id").asText();
            long token = run.path("fencing_token").asLong();
            String holder = run.path("agent_id").asText(null);
            JsonNode expires = run.path("claim_expires_at");
            ClaimSeen seen = claimsSeen.get(runId);
            if (seen != null && token > seen.token() && seen.token() > 0 && !Objects.equals(holder, seen.agentId())
                    && !seen.reported()) {
                hub.event("dashboard", "claim_lapsed", runId, "the claim of " + seen.agentId() + " on " + runId
                        + " lapsed; " + holder + " claimed the run (fencing token " + token + ")");
            } else if (!finalStatus(run.path("status").asText()) && expires.isNumber() && expires.asDouble() <= now
                    && (seen == null || seen.token() != token || !seen.reported())) {
                hub.event("dashboard", "claim_lapsed", runId, "the claim of " + holder + " on " + runId
                        + " lapsed (no checkpoint in time): any waiting " + run.path("kind").asText()
                        + " agent may claim it now");
                claimsSeen.put(runId, new ClaimSeen(holder, token, true));
                continue;
            }
            if (seen == null || seen.token() != token) {
                claimsSeen.put(runId, new ClaimSeen(holder, token, false));
            }
        }
    }

    /** The claim of a run the state view saw last, and whether its lapse has been reported. */
    private record ClaimSeen(String agentId, long token, boolean reported) {
    }

    private static boolean finalStatus(String status) {
        return status.equals("completed") || status.equals("failed");
    }

    private static ReviewKind kind(String name) {
        try {
            return ReviewKind.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private static <T> T sidecar(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SidecarException e) {
            throw new ApiException(502, "the sidecar call failed: " + e.getMessage());
        }
    }

    private static String newDemoId() {
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return "demo-" + HexFormat.of().formatHex(bytes);
    }

    /** Stops the agents, the state view and both sidecar sessions. Idempotent. */
    @Override
    public void close() {
        poller.shutdownNow();
        agents.close();
        reader.close();
        actions.close();
    }

    /** Routes what the agents say into the hub; ignores agents of an earlier demo session. */
    private final class Listener implements AgentProcesses.AgentListener {

        @Override
        public void onLine(AgentProcesses.Agent agent, JsonNode line) {
            synchronized (switching) {
                if (agent.demoId.equals(session.demoId())) {
                    report(agent, line);
                }
            }
        }

        private void report(AgentProcesses.Agent agent, JsonNode line) {
            switch (line.path("type").asText()) {
                case "tool" -> hub.tool(agent.agentId, line.path("tool").asText(), line.path("args"),
                        line.path("result"), line.path("error").asBoolean(), line.path("ms").asLong());
                case "event" -> hub.event(agent.agentId, line.path("event").asText(),
                        line.path("run_id").isTextual() ? line.path("run_id").asText() : null,
                        line.path("message").asText());
                case "ready" -> hub.event(agent.agentId, "agent_ready", null, "connected to the sidecar (pid "
                        + line.path("pid").asLong() + ")");
                case "exit" -> hub.event(agent.agentId, "agent_exiting", null, line.path("reason").asText());
                default -> { }
            }
        }

        @Override
        public void onExit(AgentProcesses.Agent agent) {
            synchronized (switching) {
                if (!agent.demoId.equals(session.demoId())) {
                    return;
                }
                hub.event("dashboard", agent.crashRequested ? "agent_killed" : "agent_exited", null, agent.agentId
                        + (agent.crashRequested ? " is gone (SIGKILL, exit " + agent.exitCode + ")"
                                : " exited (code " + agent.exitCode + ")"));
            }
            refreshSoon();
        }
    }
}
