package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.demo.prreview.AgentTimings;
import dev.mcpstate.demo.prreview.internal.agent.AgentMain;
import dev.mcpstate.demo.prreview.internal.agent.AgentOptions;
import dev.mcpstate.demo.prreview.internal.review.ReviewKind;
import dev.mcpstate.demo.prreview.internal.sidecar.SidecarClient;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The reviewer agents as operating-system processes: each one a JVM started with this JVM's {@code java} and class
 * path and {@link AgentMain} as its main class. Reads each agent's JSON lines (see {@code AgentOutput}) on a thread
 * of its own and passes them to the {@link AgentListener}; writes each agent's standard error to
 * {@code <log dir>/<agent id>.log}. A crash is {@link Process#destroyForcibly()}: SIGKILL, no goodbye.
 *
 * <p>Thread-safe.
 */
final class AgentProcesses implements AutoCloseable {

    /** Hears what the agents say and when they end; called on each agent's reader thread. */
    interface AgentListener {
        void onLine(Agent agent, JsonNode line);

        void onExit(Agent agent);
    }

    /** How many agents may run at once. */
    static final int MAX_AGENTS = 12;
    /** The JVM flags of an agent: small heap, fast start. */
    static final List<String> JVM_FLAGS = List.of("-Xmx128m", "-Xss512k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=dev/mcpstate/demo/prreview/agent-logback.xml");

    private static final ObjectMapper JSON = Json.MAPPER;

    /** One started agent. Its status moves from starting to running (ready line) to exited or crashed. */
    static final class Agent {
        final String agentId;
        final ReviewKind kind;
        final String demoId;
        final Process process;
        volatile String status = "starting";
        volatile boolean crashRequested;
        volatile Integer exitCode;
        volatile String exitReason;

        Agent(String agentId, ReviewKind kind, String demoId, Process process) {
            this.agentId = agentId;
            this.kind = kind;
            this.demoId = demoId;
            this.process = process;
        }

        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process.isAlive();
        }
    }

    private final URI sidecarUrl;
    private final String sidecarToken;
    private final AgentTimings timings;
    private final Path logDir;
    private final AgentListener listener;
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new LinkedHashMap<>();

    AgentProcesses(URI sidecarUrl, String sidecarToken, AgentTimings timings, Path logDir, AgentListener listener) {
        this.sidecarUrl = sidecarUrl;
        this.sidecarToken = sidecarToken;
        this.timings = timings;
        this.logDir = logDir;
        this.listener = listener;
    }

    /**
     * Starts {@code count} agents of {@code kind} at once, without waiting for them to connect.
     *
     * @return the new agents
     * @throws ApiException 409 when that would make more than {@link #MAX_AGENTS} live agents; 500 when a process
     *                      cannot be started
     */
    synchronized List<Agent> spawn(String demoId, ReviewKind kind, int count) {
        long live = agents.values().stream().filter(Agent::alive).count();
        if (live + count > MAX_AGENTS) {
            throw new ApiException(409, live + " agents are running; at most " + MAX_AGENTS + " may run at once");
        }
        List<Agent> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = counters.merge(kind.wireName(), 1, Integer::sum);
            String agentId = kind.wireName() + "-" + n;
            AgentOptions options = new AgentOptions(sidecarUrl, demoId, kind, agentId, timings, Duration.ofMinutes(30));
            Agent agent = new Agent(agentId, kind, demoId, start(options));
            agents.put(agentId, agent);
            started.add(agent);
            Thread reader = new Thread(() -> read(agent), "agent-" + agentId);
            reader.setDaemon(true);
            reader.start();
        }
        return started;
    }

    private Process start(AgentOptions options) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(classPath());
        command.add(AgentMain.class.getName());
        command.addAll(options.toArgs());
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve(options.agentId() + ".log").toFile()));
            if (sidecarToken == null) {
                builder.environment().remove(SidecarClient.TOKEN_ENV);
            } else {
                builder.environment().put(SidecarClient.TOKEN_ENV, sidecarToken);
            }
            return builder.start();
        } catch (IOException e) {
            throw new ApiException(500, "cannot start agent " + options.agentId() + ": " + e.getMessage());
        }
    }

    /** @return this JVM's class path with every entry made absolute: the shaded jar, or the build's classes */
    static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private void read(Agent agent) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(agent.process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode json;
                try {
                    json = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // not one of ours: a stray line
                }
                if (json == null || !json.isObject()) {
                    continue;
                }
                switch (json.path("type").asText()) {
                    case "ready" -> agent.status = "running";
                    case "exit" -> agent.exitReason = json.path("reason").asText();
                    default -> { }
                }
                listener.onLine(agent, json);
            }
        } catch (IOException e) {
            // the process is gone; its exit is reported below
        }
        try {
            agent.exitCode = agent.process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        agent.status = agent.crashRequested ? "crashed" : "exited";
        listener.onExit(agent);
    }

    /** @return the agent with that id, or null */
    synchronized Agent find(String agentId) {
        return agents.get(agentId);
    }

    /** @return every agent started since the last {@link #stopAll()}, in start order */
    synchronized List<Agent> list() {
        return List.copyOf(agents.values());
    }

    /**
     * Kills an agent with SIGKILL ({@link Process#destroyForcibly()}).
     *
     * @throws ApiException 404 for an unknown agent, 409 for one that is not running
     */
    Agent crash(String agentId) {
        Agent agent = find(agentId);
        if (agent == null) {
            throw new ApiException(404, "no agent '" + agentId + "'");
        }
        if (!agent.alive()) {
            throw new ApiException(409, "agent '" + agentId + "' is not running (" + agent.status + ")");
        }
        agent.crashRequested = true;
        agent.process.destroyForcibly();
        return agent;
    }

    /** Stops every agent (SIGTERM, then SIGKILL after 5 s) and forgets them; ids start again at 1. */
    void stopAll() {
        Collection<Agent> all;
        synchronized (this) {
            all = List.copyOf(agents.values());
            agents.clear();
            counters.clear();
        }
        for (Agent agent : all) {
            agent.process.destroy();
        }
        for (Agent agent : all) {
            try {
                if (!agent.process.waitFor(5, TimeUnit.SECONDS)) {
                    agent.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                agent.process.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stopAll();
    }
}
