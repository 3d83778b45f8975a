package dev.mcpstate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisClusterProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The kill-a-node drill: Redis-backed nodes (real processes) behind the round-robin load balancer, many sessions
 * each doing mixed calls — JSON {@code echo}, SSE {@code slow_count} cut and resumed with {@code GET} +
 * {@code Last-Event-ID}, listening {@code GET}s — while one node is killed with {@code SIGKILL} and restarted
 * ({@link Fault#KILL_NODE}), or, on a Redis Cluster, one Redis master is ({@link Fault#KILL_REDIS_MASTER}: the cluster
 * promotes its replica, the killed master comes back as a replica).
 *
 * <p>Every progress notification carries its number, so each call's delivered sequence is checked: a number seen
 * twice is a duplicate, a number skipped is lost; a delivered event id seen twice in a session is a duplicate too.
 * A call whose producing node died ends with {@code -32005} on resume, one whose store write failed with
 * {@code -32003}: counted as failed (not lost) and retried under a new id; its delivered prefix must still be
 * gap-free. A {@code 502}/{@code 503}/{@code 504} (the request went to the dead node, or the store was failing over)
 * is retried, with a growing pause. After the run every event the clients received is looked up in the store: one
 * that is missing or different there is an <em>acknowledged event lost</em> — what {@code WAIT} must prevent. Every
 * loop is bounded by count and by {@link Config#deadline()}.
 */
final class Drill {

    /** What the drill breaks mid-run. */
    enum Fault {
        /** {@code SIGKILL} to node-2, restarted on its port after 1 s. */
        KILL_NODE,
        /** {@code SIGKILL} to a master of the Redis Cluster; restarted (as a replica) once its replica took over. */
        KILL_REDIS_MASTER
    }

    /**
     * Where the nodes keep their state.
     *
     * @param redisUrl     one Redis, or null for the cluster
     * @param cluster      the Redis Cluster (its processes, so a master can be killed), or null
     * @param waitReplicas {@code --redis-wait-replicas} of the nodes; 0 for none
     */
    record Store(String redisUrl, RedisClusterProcess cluster, int waitReplicas) {
        static Store redis(String url) {
            return new Store(url, null, 0);
        }

        static Store cluster(RedisClusterProcess cluster, int waitReplicas) {
            return new Store(null, cluster, waitReplicas);
        }

        /** @return the {@link NodeMain} flags selecting this store */
        List<String> args() {
            List<String> args = new ArrayList<>(cluster == null ? List.of("--store", "redis", "--redis-url", redisUrl)
                    : List.of("--redis-cluster", cluster.seedList()));
            if (waitReplicas > 0) {
                args.addAll(List.of("--redis-wait-replicas", Integer.toString(waitReplicas)));
            }
            return args;
        }

        /** @return the same storage, for the audit after the run */
        StorageConfig storage() {
            return cluster == null ? StorageConfig.redis(redisUrl) : StorageConfig.redisCluster(cluster.seeds());
        }
    }

    /**
     * @param nodes        server processes (at least 2; node 2 is killed)
     * @param sessions     concurrent sessions
     * @param calls        calls per session
     * @param steps        {@code slow_count} steps per streamed call
     * @param intervalMs   {@code slow_count} interval
     * @param nodeArgs     extra {@link NodeMain} flags, e.g. faster death detection
     * @param store        where the nodes keep state
     * @param fault        what is broken mid-run; {@link Fault#KILL_REDIS_MASTER} needs a cluster
     * @param deadline     the whole drill's time bound
     */
    record Config(int nodes, int sessions, int calls, int steps, int intervalMs, List<String> nodeArgs, Path jar,
            Path lbJar, Store store, Fault fault, Path logDir, Duration deadline) {
        Config {
            if (fault == Fault.KILL_REDIS_MASTER && store.cluster() == null) {
                throw new IllegalArgumentException("killing a Redis master needs a Redis Cluster");
            }
        }
    }

    /** What the drill saw. Everything must add up: {@link #ok()} is the verdict. */
    static final class Tally {
        final AtomicLong attempted = new AtomicLong();
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failedNodeDied = new AtomicLong();
        final AtomicLong failedStoreDown = new AtomicLong();
        final AtomicLong retried502 = new AtomicLong();
        final AtomicLong retriedConnection = new AtomicLong();
        final AtomicLong cuts = new AtomicLong();
        final AtomicLong resumes = new AtomicLong();
        final AtomicLong produced = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong eventsDelivered = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong maxStallNanos = new AtomicLong();
        /** Events the clients received, looked up in the store after the run. */
        final AtomicLong audited = new AtomicLong();
        /** Of those, missing from the store, or stored under the same id with other content. */
        final AtomicLong acknowledgedLost = new AtomicLong();
        final Map<String, AtomicLong> servedAfterRestart = new ConcurrentHashMap<>();
        final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile long killedAtMillis;
        volatile long restartedAfterMillis;
        /** {@link Fault#KILL_REDIS_MASTER}: from the kill until every slot had a live master again. */
        volatile long failoverMillis = -1;
        volatile String victim = "node-2";
        long total;
        double seconds;

        boolean ok() {
            return lost.get() == 0 && duplicated.get() == 0 && acknowledgedLost.get() == 0 && succeeded.get() == total
                    && problems.isEmpty();
        }

        void stall(long nanos) {
            maxStallNanos.accumulateAndGet(nanos, Math::max);
        }

        @Override
        public String toString() {
            return String.format("""
                    calls attempted %d, succeeded %d (of %d planned); failed and retried: -32005 (node died) %d, \
                    -32003 (store write failed) %d
                    retries: 502/503/504 %d, connection dropped before a response head %d
                    SSE cuts %d, resumes (GET + Last-Event-ID) %d
                    progress events produced %d, delivered %d, lost %d, duplicated %d; all SSE messages delivered %d
                    acknowledged events checked in the store after the run %d, missing or changed %d
                    max client-visible stall %.0f ms; %s killed at %.1f s%s, back after %.1f s; \
                    POSTs served after restart %s
                    problems %d%s
                    drill took %.1f s: %s""",
                    attempted.get(), succeeded.get(), total, failedNodeDied.get(), failedStoreDown.get(),
                    retried502.get(), retriedConnection.get(), cuts.get(), resumes.get(), produced.get(),
                    delivered.get(), lost.get(), duplicated.get(), eventsDelivered.get(), audited.get(),
                    acknowledgedLost.get(), maxStallNanos.get() / 1e6, victim, killedAtMillis / 1e3,
                    failoverMillis < 0 ? "" : String.format(", slots served again after %.1f s", failoverMillis / 1e3),
                    restartedAfterMillis / 1e3, servedAfterRestart, problems.size(),
                    problems.isEmpty() ? "" : ": " + problems.subList(0, Math.min(5, problems.size())), seconds,
                    ok() ? "PASS" : "FAIL");
        }
    }

    /** Node flags for a quick drill: poll 50 ms, heartbeat 200 ms, a silent node counts as dead after 1.5 s. */
    static final List<String> FAST = List.of("--poll-ms", "50", "--heartbeat-ms", "200", "--dead-after-ms", "1500");

    /**
     * {@link #FAST}, except that a silent node counts as dead after 5 s (the default): on a Redis Cluster a node's
     * heartbeat key lives on one master, and while that master fails over (2–3 s here) the node cannot beat; with a
     * shorter bound its peers would take it for dead and end the streams it produces.
     */
    static final List<String> FAST_ON_CLUSTER = List.of("--poll-ms", "50", "--heartbeat-ms", "200",
            "--dead-after-ms", "5000");

    private static final boolean TRACE = Boolean.getBoolean("drill.trace");

    private final Config config;
    private final Tally tally = new Tally();
    private final CountDownLatch restarted = new CountDownLatch(1);
    private final AtomicLong completed = new AtomicLong();
    private final Map<String, AtomicInteger> streaming = new ConcurrentHashMap<>();
    /** Per session, every event id a client received and its data. */
    private final Map<String, Map<String, String>> received = new ConcurrentHashMap<>();
    private volatile boolean afterRestart;
    private long deadlineNanos;

    Drill(Config config) {
        this.config = config;
    }

    Tally run() throws Exception {
        long t0 = System.nanoTime();
        deadlineNanos = t0 + config.deadline().toNanos();
        tally.total = (long) config.sessions() * config.calls();
        try (Procs procs = new Procs(config.jar(), config.logDir(), List.of())) {
            List<CompletableFuture<Procs.Node>> starting = new ArrayList<>();
            for (int i = 1; i <= config.nodes(); i++) {
                List<String> args = new ArrayList<>(List.of("--port", Integer.toString(FreePort.find()),
                        "--node-id", "node-" + i));
                args.addAll(config.store().args());
                args.addAll(config.nodeArgs());
                String name = "node-" + i;
                starting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return procs.node(name, args);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            List<Procs.Node> nodes = new ArrayList<>();
            List<URI> backends = new ArrayList<>();
            for (CompletableFuture<Procs.Node> n : starting) {
                nodes.add(n.get(90, TimeUnit.SECONDS));
                backends.add(nodes.get(nodes.size() - 1).uri());
            }
            URI lb = procs.loadBalancer(config.lbJar(), FreePort.find(), backends);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < config.sessions(); i++) {
                int session = i;
                Thread t = new Thread(() -> session(lb, session), "drill-session-" + i);
                t.setDaemon(true);
                t.start();
                workers.add(t);
            }
            // kill node-2 (or a Redis master) once a quarter of the calls are done and (for up to 10 s more) while
            // node-2 streams a call; the last 40 % of every session's calls wait for the restart
            while (completed.get() < tally.total / 4 && timeLeft()) {
                Thread.sleep(5);
            }
            long patience = System.nanoTime() + 10_000_000_000L;
            while (streaming.getOrDefault("node-2", new AtomicInteger()).get() == 0 && System.nanoTime() < patience) {
                Thread.sleep(1);
            }
            if (config.fault() == Fault.KILL_NODE) {
                killAndRestartNode(procs, nodes.get(1), t0);
            } else {
                killAndRestartMaster(config.store().cluster(), t0);
            }
            afterRestart = true;
            restarted.countDown();
            for (Thread t : workers) {
                t.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            }
            if (workers.stream().anyMatch(Thread::isAlive)) {
                tally.problems.add("drill deadline of " + config.deadline() + " passed");
            }
        }
        audit();
        tally.seconds = (System.nanoTime() - t0) / 1e9;
        return tally;
    }

    private void killAndRestartNode(Procs procs, Procs.Node victim, long t0) throws Exception {
        tally.killedAtMillis = (System.nanoTime() - t0) / 1_000_000;
        Procs.kill(victim);
        long down = System.nanoTime();
        Thread.sleep(1000);
        procs.restart(victim);
        tally.restartedAfterMillis = (System.nanoTime() - down) / 1_000_000;
    }

    /** {@code SIGKILL} to a master; once its replica took over, the old master restarts and rejoins as a replica. */
    private void killAndRestartMaster(RedisClusterProcess cluster, long t0) {
        int master = cluster.masterPorts().get(1);
        tally.victim = "Redis master :" + master;
        tally.killedAtMillis = (System.nanoTime() - t0) / 1_000_000;
        cluster.kill(master);
        long down = System.nanoTime();
        cluster.awaitHealthy();
        tally.failoverMillis = (System.nanoTime() - down) / 1_000_000;
        cluster.restart(master);
        tally.restartedAfterMillis = (System.nanoTime() - down) / 1_000_000;
    }

    /** Looks up every event a client received in the store: missing or changed ones were acknowledged and lost. */
    private void audit() {
        try (Storage storage = Storage.open(config.store().storage(), Clock.systemUTC())) {
            received.forEach((sessionId, events) -> {
                Map<String, Map<String, String>> byStream = new HashMap<>();
                events.forEach((id, data) -> byStream.computeIfAbsent(EventId.parse(id).streamId(),
                        k -> new HashMap<>()).put(id, data));
                byStream.forEach((streamId, expected) -> {
                    Map<String, String> stored = new HashMap<>();
                    storage.events().readAfter(sessionId, streamId, EventId.START, 100_000)
                            .forEach(e -> stored.put(e.id().toString(), e.message()));
                    expected.forEach((id, data) -> {
                        tally.audited.incrementAndGet();
                        if (!data.equals(stored.get(id))) {
                            tally.acknowledgedLost.incrementAndGet();
                            if (tally.problems.size() < 20) {
                                tally.problems.add("acknowledged event " + id + " of session " + sessionId
                                        + (stored.containsKey(id) ? " changed in the store" : " missing in the store"));
                            }
                        }
                    });
                });
            });
        } catch (RuntimeException e) {
            tally.problems.add("audit of the store failed: " + e);
        }
    }

    private boolean timeLeft() {
        return System.nanoTime() < deadlineNanos;
    }

    private void session(URI lb, int index) {
        Random random = new Random(index);
        Set<String> seenIds = new HashSet<>();
        McpHttpClient s = new McpHttpClient(lb).readTimeout(Duration.ofSeconds(30));
        try {
            for (int attempt = 0; s.sessionId() == null; attempt++) {
                if (attempt > 50 || !timeLeft()) {
                    tally.problems.add("session " + index + " could not initialize");
                    return;
                }
                try {
                    s.open("mcp-state-drill", "{}");
                } catch (RuntimeException e) {
                    s.adopt(null);
                    tally.retriedConnection.incrementAndGet();
                    LockSupport.parkNanos(20_000_000L);
                }
            }
            for (int c = 0; c < config.calls() && timeLeft(); c++) {
                if (c == config.calls() * 6 / 10) {
                    restarted.await(config.deadline().toMillis(), TimeUnit.MILLISECONDS);
                }
                tally.attempted.incrementAndGet();
                long started = System.nanoTime();
                boolean ok = switch (c % 5) {
                    case 1, 3 -> call(s, "slow_count", "{\"count\":" + config.steps() + ",\"interval_ms\":"
                            + config.intervalMs() + "}", config.steps(), random, seenIds);
                    case 4 -> listen(s);
                    default -> call(s, "echo", "{\"text\":\"s" + index + "c" + c + "\"}", 0, random, seenIds);
                };
                if (ok) {
                    tally.succeeded.incrementAndGet();
                }
                if (TRACE) {
                    System.err.printf("session %d call %d kind %d: %.0f ms%n", index, c, c % 5,
                            (System.nanoTime() - started) / 1e6);
                }
                completed.incrementAndGet();
            }
        } catch (Exception e) {
            tally.problems.add("session " + index + ": " + e);
        }
    }

    /** One call to completion: retried (new id) after a 502, a dropped connection, or -32005. */
    private boolean call(McpHttpClient s, String tool, String args, int steps, Random random, Set<String> seenIds) {
        long[] last = {System.nanoTime()};
        for (int attempt = 0; attempt < MAX_ATTEMPTS && timeLeft(); attempt++) {
            int id = s.nextId();
            Attempt a = new Attempt(s.sessionId(), id, steps, last, seenIds);
            int cutsLeft = steps > 1 ? 2 : 0;
            try {
                // a POST dropped before its response head may or may not have run: retried, nothing was delivered
                McpHttpClient.Response r = s.post(McpHttpClient.toolCall(id, tool, args, steps > 0 ? "t" + id : null));
                if (gatewayFailed(r, attempt)) {
                    continue;
                }
                String node = String.valueOf(r.header("Mcp-State-Node"));
                if (afterRestart) {
                    tally.servedAfterRestart.computeIfAbsent(node, k -> new AtomicLong()).incrementAndGet();
                }
                AtomicInteger producing = streaming.computeIfAbsent(node, k -> new AtomicInteger());
                producing.incrementAndGet();
                JsonNode end = null;
                try {
                    while (end == null && timeLeft()) {
                        int cutAfter = cutsLeft > 0 ? a.progress.size() + 1 + random.nextInt(Math.max(1, steps / 2))
                                : -1;
                        String servedBy = r.header("Mcp-State-Node");
                        end = a.read(r, cutAfter);
                        if (end == null && a.emptyReads >= EMPTY_RESUMES) { // the stream ends with nothing new
                            tally.problems.add("resumed " + EMPTY_RESUMES + " times after " + a.lastEventId
                                    + " without a new event (last on " + servedBy + "): " + describe(s, a));
                            break;
                        }
                        if (end == null) { // cut, planned or not: resume where we are
                            r = resume(s, a);
                            if (r == null) {
                                break;
                            }
                            cutsLeft--;
                        }
                    }
                } finally {
                    producing.decrementAndGet();
                }
                if (end == null) {
                    tally.retriedConnection.incrementAndGet();
                    a.account(false);
                    continue;
                }
                int code = end.path("error").path("code").asInt();
                if (code == -32005 || code == -32003) {
                    (code == -32005 ? tally.failedNodeDied : tally.failedStoreDown).incrementAndGet();
                    a.account(false);
                    pause(attempt);
                    continue;
                }
                String text = end.at("/result/content/0/text").asText();
                if (end.has("error") || (steps > 0 ? !text.equals("counted " + steps) : !args.contains(text))) {
                    tally.problems.add(tool + " answered " + end);
                    return false;
                }
                a.account(true);
                return true;
            } catch (UncheckedIOException e) {
                tally.retriedConnection.incrementAndGet();
                a.account(false);
                pause(attempt);
            }
        }
        tally.problems.add(tool + " never completed");
        return false;
    }

    /** GET + Last-Event-ID after a cut; @return the open stream, or null when no id was seen yet */
    private McpHttpClient.Response resume(McpHttpClient s, Attempt a) {
        if (a.lastEventId == null) {
            return null;
        }
        for (int i = 0; i < MAX_ATTEMPTS && timeLeft(); i++) {
            try {
                McpHttpClient.Response r = s.get(a.lastEventId);
                if (gatewayFailed(r, i)) {
                    continue;
                }
                if (r.status() != 200) {
                    tally.problems.add("resume after " + a.lastEventId + " answered " + r.status() + ": " + r.text());
                    return null;
                }
                tally.resumes.incrementAndGet();
                return r;
            } catch (UncheckedIOException e) {
                tally.retriedConnection.incrementAndGet();
                pause(i);
            }
        }
        tally.problems.add("could not resume after " + a.lastEventId);
        return null;
    }

    /** Resumes in a row that end without a new event before the drill calls the stream stuck. */
    private static final int EMPTY_RESUMES = 50;

    /** @return what the store holds of the attempt's stream: its information and its last events */
    private String describe(McpHttpClient s, Attempt a) {
        try (Storage storage = Storage.open(config.store().storage(), Clock.systemUTC())) {
            String streamId = EventId.parse(a.lastEventId).streamId();
            List<String> tail = new ArrayList<>();
            storage.events().readAfter(s.sessionId(), streamId, EventId.START, 100_000)
                    .forEach(e -> tail.add(e.id().entryId() + " " + e.direction() + " " + e.message()));
            return storage.events().stream(s.sessionId(), streamId) + ", last events "
                    + tail.subList(Math.max(0, tail.size() - 3), tail.size());
        } catch (RuntimeException e) {
            return "store unreadable: " + e;
        }
    }

    /** Attempts of one request before the drill gives up on it (each also bounded by the deadline). */
    private static final int MAX_ATTEMPTS = 200;

    /**
     * A 502/503/504: no backend answered (the load balancer), or the store could not take the write (a node, while a
     * Redis master fails over). The call may or may not have run (the drill's tools are safe to repeat); pause, then
     * retry it with a new id.
     */
    private boolean gatewayFailed(McpHttpClient.Response r, int attempt) {
        if (r.status() != 502 && r.status() != 503 && r.status() != 504) {
            return false;
        }
        r.text();
        tally.retried502.incrementAndGet();
        pause(attempt);
        return true;
    }

    /** Waits before retry number {@code attempt + 1}: 20 ms, doubling up to 250 ms, so an outage of seconds is outlasted. */
    private static void pause(int attempt) {
        LockSupport.parkNanos(Math.min(250L, 20L << Math.min(attempt, 4)) * 1_000_000L);
    }

    /** A listening GET: its priming event, then the client goes away. */
    private boolean listen(McpHttpClient s) {
        for (int i = 0; i < MAX_ATTEMPTS && timeLeft(); i++) {
            try (McpHttpClient.Response r = s.get(null)) {
                if (gatewayFailed(r, i)) {
                    continue;
                }
                SseEvent priming = r.next();
                if (r.status() == 200 && priming != null && priming.id() != null
                        && priming.id().startsWith("listen:")) {
                    return true;
                }
                tally.problems.add("listening GET answered " + r.status() + " " + priming);
                return false;
            } catch (UncheckedIOException e) {
                tally.retriedConnection.incrementAndGet();
                pause(i);
            }
        }
        tally.problems.add("listening GET never succeeded");
        return false;
    }

    /** What one attempt of one call received. */
    private final class Attempt {
        final String sessionId;
        final int id;
        final int steps;
        final long[] last;
        final Set<String> seenIds;
        final List<Integer> progress = new ArrayList<>();
        String lastEventId;
        /** Reads in a row that delivered no event with an id. */
        int emptyReads;
        int duplicates;
        int gaps;

        Attempt(String sessionId, int id, int steps, long[] last, Set<String> seenIds) {
            this.sessionId = sessionId;
            this.id = id;
            this.steps = steps;
            this.last = last;
            this.seenIds = seenIds;
        }

        /** Reads until the final response (returned), the end of the stream or the planned cut (null). */
        JsonNode read(McpHttpClient.Response r, int cutAfter) {
            String before = lastEventId;
            try (r) {
                return readEvents(r, cutAfter);
            } finally {
                emptyReads = before != null && before.equals(lastEventId) ? emptyReads + 1 : 0;
            }
        }

        private JsonNode readEvents(McpHttpClient.Response r, int cutAfter) {
            try {
                for (SseEvent e = r.next(); e != null; e = r.next()) {
                    long now = System.nanoTime();
                    tally.stall(now - last[0]);
                    last[0] = now;
                    if (e.id() != null) {
                        lastEventId = e.id();
                    }
                    if (e.data().isEmpty()) {
                        continue; // priming
                    }
                    tally.eventsDelivered.incrementAndGet();
                    if (e.id() != null && !seenIds.add(e.id())) {
                        duplicates++;
                    }
                    if (e.id() != null) {
                        received.computeIfAbsent(sessionId, k -> new ConcurrentHashMap<>()).put(e.id(), e.data());
                    }
                    JsonNode m = Json.parseOrNull(e.data());
                    if ("notifications/progress".equals(m.path("method").asText())) {
                        int p = m.at("/params/progress").asInt();
                        int expected = progress.isEmpty() ? 1 : progress.get(progress.size() - 1) + 1;
                        if (p < expected) {
                            duplicates++;
                        } else {
                            gaps += p - expected;
                            progress.add(p);
                        }
                        if (progress.size() == cutAfter) {
                            tally.cuts.incrementAndGet();
                            return null;
                        }
                    } else if (m.has("id") && m.get("id").asInt() == id && !m.has("method")) {
                        return m;
                    }
                }
                return null;
            } catch (UncheckedIOException dropped) {
                return null;
            }
        }

        /** @param complete true when the call ended with its result: all steps must have arrived */
        void account(boolean complete) {
            int distinct = progress.size();
            tally.delivered.addAndGet(distinct);
            tally.duplicated.addAndGet(duplicates);
            tally.lost.addAndGet(gaps + (complete ? steps - distinct - gaps : 0));
            tally.produced.addAndGet(complete ? steps : distinct + gaps);
        }
    }
}
