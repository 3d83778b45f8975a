package dev.mcpstate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.testing.FreePort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code Last-Event-ID}, listening {@code GET}s — while one node is killed with {@code SIGKILL} and restarted.
 *
 * <p>Every progress notification carries its number, so each call's delivered sequence is checked: a number seen
 * twice is a duplicate, a number skipped is lost; a delivered event id seen twice in a session is a duplicate too.
 * A call whose producing node died ends with {@code -32005} on resume: counted as failed (not lost) and retried
 * under a new id; its delivered prefix must still be gap-free. A {@code 502} from the load balancer (the request
 * went to the dead node and never reached a server) is retried. Every loop is bounded by count and by
 * {@link Config#deadline()}.
 */
final class Drill {

    /**
     * @param nodes        server processes (at least 2; node 2 is killed)
     * @param sessions     concurrent sessions
     * @param calls        calls per session
     * @param steps        {@code slow_count} steps per streamed call
     * @param intervalMs   {@code slow_count} interval
     * @param nodeArgs     extra {@link NodeMain} flags, e.g. faster death detection
     * @param deadline     the whole drill's time bound
     */
    record Config(int nodes, int sessions, int calls, int steps, int intervalMs, List<String> nodeArgs, Path jar,
            Path lbJar, String redisUrl, Path logDir, Duration deadline) {
    }

    /** What the drill saw. Everything must add up: {@link #ok()} is the verdict. */
    static final class Tally {
        final AtomicLong attempted = new AtomicLong();
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failedNodeDied = new AtomicLong();
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
        final Map<String, AtomicLong> servedAfterRestart = new ConcurrentHashMap<>();
        final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile long killedAtMillis;
        volatile long restartedAfterMillis;
        long total;
        double seconds;

        boolean ok() {
            return lost.get() == 0 && duplicated.get() == 0 && succeeded.get() == total && problems.isEmpty();
        }

        void stall(long nanos) {
            maxStallNanos.accumulateAndGet(nanos, Math::max);
        }

        @Override
        public String toString() {
            return String.format("""
                    calls attempted %d, succeeded %d (of %d planned); failed with -32005 after the kill and retried %d
                    retries: 502 from the LB %d, connection dropped before a response head %d
                    SSE cuts %d, resumes (GET + Last-Event-ID) %d
                    progress events produced %d, delivered %d, lost %d, duplicated %d; all SSE messages delivered %d
                    max client-visible stall %.0f ms; node-2 killed at %.1f s, back after %.1f s; \
                    POSTs served after restart %s
                    problems %d%s
                    drill took %.1f s: %s""",
                    attempted.get(), succeeded.get(), total, failedNodeDied.get(), retried502.get(),
                    retriedConnection.get(), cuts.get(), resumes.get(), produced.get(), delivered.get(), lost.get(),
                    duplicated.get(), eventsDelivered.get(), maxStallNanos.get() / 1e6, killedAtMillis / 1e3,
                    restartedAfterMillis / 1e3, servedAfterRestart, problems.size(),
                    problems.isEmpty() ? "" : ": " + problems.subList(0, Math.min(5, problems.size())), seconds,
                    ok() ? "PASS" : "FAIL");
        }
    }

    /** Node flags for a quick drill: poll 50 ms, heartbeat 200 ms, a silent node counts as dead after 1.5 s. */
    static final List<String> FAST = List.of("--poll-ms", "50", "--heartbeat-ms", "200", "--dead-after-ms", "1500");

    private static final boolean TRACE = Boolean.getBoolean("drill.trace");

    private final Config config;
    private final Tally tally = new Tally();
    private final CountDownLatch restarted = new CountDownLatch(1);
    private final AtomicLong completed = new AtomicLong();
    private final Map<String, AtomicInteger> streaming = new ConcurrentHashMap<>();
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
                List<String> args = new ArrayList<>(List.of("--port", Integer.toString(FreePort.find()), "--store",
                        "redis", "--redis-url", config.redisUrl(), "--node-id", "node-" + i));
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
            // kill node-2 once a quarter of the calls are done and (for up to 10 s more) while it streams a call;
            // the last 40 % of every session's calls wait for its restart
            while (completed.get() < tally.total / 4 && timeLeft()) {
                Thread.sleep(5);
            }
            long patience = System.nanoTime() + 10_000_000_000L;
            while (streaming.getOrDefault("node-2", new AtomicInteger()).get() == 0 && System.nanoTime() < patience) {
                Thread.sleep(1);
            }
            Procs.Node victim = nodes.get(1);
            tally.killedAtMillis = (System.nanoTime() - t0) / 1_000_000;
            Procs.kill(victim);
            long down = System.nanoTime();
            Thread.sleep(1000);
            procs.restart(victim);
            tally.restartedAfterMillis = (System.nanoTime() - down) / 1_000_000;
            afterRestart = true;
            restarted.countDown();
            for (Thread t : workers) {
                t.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            }
            if (workers.stream().anyMatch(Thread::isAlive)) {
                tally.problems.add("drill deadline of " + config.deadline() + " passed");
            }
        }
        tally.seconds = (System.nanoTime() - t0) / 1e9;
        return tally;
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
        for (int attempt = 0; attempt < 30 && timeLeft(); attempt++) {
            int id = s.nextId();
            Attempt a = new Attempt(id, steps, last, seenIds);
            int cutsLeft = steps > 1 ? 2 : 0;
            try {
                // a POST dropped before its response head may or may not have run: retried, nothing was delivered
                McpHttpClient.Response r = s.post(McpHttpClient.toolCall(id, tool, args, steps > 0 ? "t" + id : null));
                if (gatewayFailed(r)) {
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
                        end = a.read(r, cutAfter);
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
                if (end.path("error").path("code").asInt() == -32005) {
                    tally.failedNodeDied.incrementAndGet();
                    a.account(false);
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
                LockSupport.parkNanos(20_000_000L);
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
        for (int i = 0; i < 30 && timeLeft(); i++) {
            try {
                McpHttpClient.Response r = s.get(a.lastEventId);
                if (gatewayFailed(r)) {
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
                LockSupport.parkNanos(20_000_000L);
            }
        }
        tally.problems.add("could not resume after " + a.lastEventId);
        return null;
    }

    /**
     * A 502/503/504 of the load balancer: no backend answered. The call may or may not have run on a node that died
     * under it (the drill's tools are safe to repeat); pause, then retry it with a new id.
     */
    private boolean gatewayFailed(McpHttpClient.Response r) {
        if (r.status() != 502 && r.status() != 503 && r.status() != 504) {
            return false;
        }
        r.text();
        tally.retried502.incrementAndGet();
        LockSupport.parkNanos(20_000_000L);
        return true;
    }

    /** A listening GET: its priming event, then the client goes away. */
    private boolean listen(McpHttpClient s) {
        for (int i = 0; i < 30 && timeLeft(); i++) {
            try (McpHttpClient.Response r = s.get(null)) {
                if (gatewayFailed(r)) {
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
                LockSupport.parkNanos(20_000_000L);
            }
        }
        tally.problems.add("listening GET never succeeded");
        return false;
    }

    /** What one attempt of one call received. */
    private final class Attempt {
        final int id;
        final int steps;
        final long[] last;
        final Set<String> seenIds;
        final List<Integer> progress = new ArrayList<>();
        String lastEventId;
        int duplicates;
        int gaps;

        Attempt(int id, int steps, long[] last, Set<String> seenIds) {
            this.id = id;
            this.steps = steps;
            this.last = last;
            this.seenIds = seenIds;
        }

        /** Reads until the final response (returned), the end of the stream or the planned cut (null). */
        JsonNode read(McpHttpClient.Response r, int cutAfter) {
            try (r) {
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
