package dev.mcpstate.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.examples.client.McpHttpClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP scenarios. Each measures its variants side by side in rounds (variant A, B, C, A, B, C, ...) so drift of
 * the machine hits all alike, and reports the median of the rounds with the ratio to its anchor.
 */
final class Scenarios {

    /**
     * Sizes of one run.
     *
     * @param rounds     rounds per measurement; the median is reported
     * @param window     length of one throughput or latency window
     * @param sessions   concurrent sessions of the load generator: the echo scenario runs each; others the first
     * @param rate       offered load of the latency measurement, requests per second
     * @param sseCount   {@code slow_count} steps of the SSE scenario (two events per step)
     * @param admissions sessions admitted cold in the admission scenario
     */
    record Plan(int rounds, Duration window, List<Integer> sessions, double rate, int sseCount, int admissions) {
        static Plan of(boolean quick) {
            return quick ? new Plan(3, Duration.ofSeconds(2), List.of(8, 64), 200, 5_000, 150)
                    : new Plan(5, Duration.ofSeconds(6), List.of(8, 64), 200, 10_000, 400);
        }

        /** @return the sessions of the scenarios that use one count */
        int sessionCount() {
            return sessions.get(0);
        }
    }

    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** Traffic each server gets before the echo rounds. */
    static final Duration WARM_UP = Duration.ofSeconds(10);
    /** Unrecorded sessions admitted on node B before the admission scenario measures. */
    static final int ADMISSION_WARM_UPS = 2_000;
    /** The most time those warm-up sessions may take. */
    static final Duration ADMISSION_WARM_UP_LIMIT = Duration.ofSeconds(60);
    private static final String ECHO_ARGS = "{\"text\":\"hello benchmark\"}";

    private final Plan plan;
    private final Report report;

    Scenarios(Plan plan, Report report) {
        this.plan = plan;
        this.report = report;
    }

    /**
     * {@code tools/call echo}: throughput with 8 and with 64 sessions, then p50/p99 at a fixed rate below saturation.
     * Filter variants are compared with bare and with their floor ({@code floor-redis}, {@code floor-sqlite}: bare
     * plus one synchronous store write per call, see {@link FloorFilter}).
     */
    void echo(Map<String, URI> targets) throws Exception {
        Map<String, List<Load.Op>> latencyOps = null;
        for (int sessions : plan.sessions()) {
            Map<String, List<Load.Op>> ops = new LinkedHashMap<>();
            if (latencyOps == null) {
                latencyOps = ops;
            }
            for (Map.Entry<String, URI> t : targets.entrySet()) {
                ops.put(t.getKey(), sessions(t.getValue(), sessions, s -> () -> call(s, "echo", ECHO_ARGS)));
            }
            // JIT warm-up of each server before the first round: the Redis client's and Jetty's paths need several
            // seconds of traffic on 2 cores before a server reaches its steady rate
            for (List<Load.Op> o : ops.values()) {
                Load.throughput(o, sessions == plan.sessions().get(0) ? WARM_UP : plan.window());
            }
            Map<String, List<Double>> rps = rounds(ops, (name, o) -> Load.throughput(o, plan.window()));
            ObjectNode d = report.details("echo_rps");
            double bare = Stats.median(rps.get("bare"));
            String at = ", " + sessions + " sessions";
            for (String name : targets.keySet()) {
                d.putPOJO(name + "_" + sessions + "_rps_rounds", rps.get(name));
                double v = Stats.median(rps.get(name));
                if (name.equals("bare")) {
                    report.add("echo_rps", "bare SDK" + at, v, "req/s");
                    continue;
                }
                double min = name.endsWith("redis") ? 0.80 : 0.70;
                report.add("echo_rps", name + at, v, "req/s", bare, v / bare,
                        name.startsWith("floor") ? "" : ">= " + min + "x bare",
                        name.startsWith("floor") ? null : v / bare >= min);
                if (name.startsWith("filter+")) {
                    String floor = "floor-" + name.substring("filter+".length());
                    if (rps.containsKey(floor)) {
                        double f = Stats.median(rps.get(floor));
                        report.add("echo_rps", name + at + " vs " + floor, v, "req/s", f, v / f, ">= 0.9x floor",
                                v / f >= 0.9);
                    }
                }
            }
        }
        Latencies latencies = latencies(latencyOps);
        Map<String, List<Double>> p50 = latencies.p50();
        Map<String, List<Double>> p99 = latencies.p99();
        double bare50 = Stats.median(p50.get("bare"));
        double bare99 = Stats.median(p99.get("bare"));
        String at = " @" + (int) plan.rate() + "/s";
        ObjectNode d = report.details("echo_rps");
        for (String name : targets.keySet()) {
            d.putPOJO(name + "_p50_rounds", p50.get(name));
            d.putPOJO(name + "_p99_rounds", p99.get(name));
            double v50 = Stats.median(p50.get(name));
            double v99 = Stats.median(p99.get(name));
            if (name.equals("bare")) {
                report.add("echo_latency", "bare p50" + at, v50, "ms");
                report.add("echo_latency", "bare p99" + at, v99, "ms");
            } else {
                report.add("echo_latency", name + " p50" + at + " (+ms)", v50, "ms", bare50, v50 - bare50, "", null);
                boolean filter = name.startsWith("filter+");
                report.add("echo_latency", name + " p99" + at + " (+ms)", v99, "ms", bare99, v99 - bare99,
                        filter ? "p99 added <= 2 ms" : "", filter ? v99 - bare99 <= 2.0 : null);
            }
        }
    }

    /** The echo variants on a Redis Cluster, by name, as {@link #echoCluster} takes them. */
    static final String CLUSTER = "filter+redis-cluster";
    static final String CLUSTER_WAIT = "filter+redis-cluster+wait1";

    /**
     * {@code tools/call echo} on a Redis Cluster, without and with {@code --redis-wait-replicas 1}, next to the bare
     * SDK (the anchor) and filter+Redis on one Redis, in interleaved rounds of the same run: throughput with
     * {@link Plan#sessionCount()} sessions, then p50/p99 at the fixed rate. The WAIT variant is also reported as a ratio
     * to the cluster variant (what waiting for a replica costs) and the cluster variant to filter+Redis (what the
     * cluster's routing costs).
     *
     * @param targets {@code bare}, {@code filter+redis}, {@link #CLUSTER} and {@link #CLUSTER_WAIT}
     */
    void echoCluster(Map<String, URI> targets) throws Exception {
        int sessions = plan.sessionCount();
        Map<String, List<Load.Op>> ops = new LinkedHashMap<>();
        for (Map.Entry<String, URI> t : targets.entrySet()) {
            ops.put(t.getKey(), sessions(t.getValue(), sessions, s -> () -> call(s, "echo", ECHO_ARGS)));
        }
        for (List<Load.Op> o : ops.values()) {
            Load.throughput(o, WARM_UP);
        }
        Map<String, List<Double>> rps = rounds(ops, (name, o) -> Load.throughput(o, plan.window()));
        Latencies latencies = latencies(ops);
        Map<String, List<Double>> p50 = latencies.p50();
        Map<String, List<Double>> p99 = latencies.p99();
        ObjectNode d = report.details("echo_cluster");
        double bare = Stats.median(rps.get("bare"));
        String at = ", " + sessions + " sessions";
        String rate = " @" + (int) plan.rate() + "/s";
        double bare50 = Stats.median(p50.get("bare"));
        double bare99 = Stats.median(p99.get("bare"));
        for (String name : targets.keySet()) {
            d.putPOJO(name + "_rps_rounds", rps.get(name)).putPOJO(name + "_p50_rounds", p50.get(name))
                    .putPOJO(name + "_p99_rounds", p99.get(name));
            double v = Stats.median(rps.get(name));
            if (name.equals("bare")) {
                report.add("echo_cluster", "bare SDK" + at, v, "req/s");
                report.add("echo_cluster", "bare p50" + rate, bare50, "ms");
                report.add("echo_cluster", "bare p99" + rate, bare99, "ms");
                continue;
            }
            report.add("echo_cluster", name + at, v, "req/s", bare, v / bare, "", null);
            report.add("echo_cluster", name + " p50" + rate + " (+ms)", Stats.median(p50.get(name)), "ms", bare50,
                    Stats.median(p50.get(name)) - bare50, "", null);
            report.add("echo_cluster", name + " p99" + rate + " (+ms)", Stats.median(p99.get(name)), "ms", bare99,
                    Stats.median(p99.get(name)) - bare99, "", null);
        }
        double single = Stats.median(rps.get("filter+redis"));
        double cluster = Stats.median(rps.get(CLUSTER));
        double waiting = Stats.median(rps.get(CLUSTER_WAIT));
        report.add("echo_cluster", CLUSTER + at + " vs filter+redis", cluster, "req/s", single, cluster / single, "",
                null);
        report.add("echo_cluster", CLUSTER_WAIT + at + " vs " + CLUSTER, waiting, "req/s", cluster,
                waiting / cluster, "", null);
        double c50 = Stats.median(p50.get(CLUSTER));
        double w50 = Stats.median(p50.get(CLUSTER_WAIT));
        report.add("echo_cluster", "WAIT 1 added p50" + rate + " (+ms)", w50, "ms", c50, w50 - c50, "", null);
    }

    /**
     * Events/s of {@code slow_count(interval_ms=0)} through filter+Redis vs the raw XADD ceiling of that Redis, and vs
     * the bare server streaming the same call to the same client (rounds interleaved): what the SDK and the client
     * reach without any store.
     */
    void sse(URI bareNode, URI redisNode, int redisPort) throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Double> bareRates = new ArrayList<>();
        McpHttpClient s = session(redisNode);
        McpHttpClient bare = session(bareNode);
        streamEvents(s, 500); // warm-up
        streamEvents(bare, 500);
        for (int r = 0; r < plan.rounds(); r++) {
            bareRates.add(eventsPerSecond(bare));
            rates.add(eventsPerSecond(s));
        }
        double c50 = xaddCeiling(redisPort, 50);
        double c1 = xaddCeiling(redisPort, 1);
        double v = Stats.median(rates);
        double b = Stats.median(bareRates);
        report.details("sse_events_per_s").putPOJO("filter_redis_rounds", rates).putPOJO("bare_rounds", bareRates)
                .put("xadd_c50", c50).put("xadd_c1", c1).put("events_per_round", 2 * plan.sseCount() + 1);
        report.add("sse_events_per_s", "raw XADD, redis-benchmark -c 50", c50, "ops/s");
        report.add("sse_events_per_s", "raw XADD, redis-benchmark -c 1", c1, "ops/s");
        report.add("sse_events_per_s", "bare slow_count (no store)", b, "ev/s", c50, b / c50, "", null);
        report.add("sse_events_per_s", "filter+redis slow_count vs bare", v, "ev/s", b, v / b, "", null);
        report.add("sse_events_per_s", "filter+redis slow_count", v, "ev/s", c50, v / c50, ">= 0.5x XADD (-c 50)",
                v / c50 >= 0.5);
    }

    private double eventsPerSecond(McpHttpClient s) throws IOException {
        long t0 = System.nanoTime();
        int events = streamEvents(s, plan.sseCount());
        return events / ((System.nanoTime() - t0) / 1e9);
    }

    /** Calls {@code slow_count(count, 0)} with a progress token; @return the message events received. */
    private static int streamEvents(McpHttpClient s, int count) throws IOException {
        try (McpHttpClient.Response r = s.post(McpHttpClient.toolCall(s.nextId(), "slow_count",
                "{\"count\":" + count + ",\"interval_ms\":0}", "p"))) {
            int n = 0;
            for (var e = r.next(); e != null; e = r.next()) {
                n += e.data().isEmpty() ? 0 : 1;
            }
            if (n != 2 * count + 1) {
                throw new IOException("slow_count " + count + " delivered " + n + " events");
            }
            return n;
        }
    }

    private static final Pattern RPS = Pattern.compile("([0-9.]+) requests per second");

    /** {@code redis-benchmark -n 100000 -c clients XADD}: the raw append ceiling of the same Redis. */
    static double xaddCeiling(int port, int clients) throws Exception {
        int n = clients == 1 ? 20_000 : 100_000;
        Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q",
                "-c", Integer.toString(clients), "-n", Integer.toString(n), "XADD", "bench:xadd", "MAXLEN", "~",
                "10000", "*", "field", "value").redirectErrorStream(true).start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            out = String.join("\n", r.lines().toList());
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        double best = Double.NaN;
        Matcher m = RPS.matcher(out);
        while (m.find()) {
            best = Double.parseDouble(m.group(1));
        }
        if (Double.isNaN(best)) {
            throw new IOException("no figure from redis-benchmark: " + out);
        }
        return best;
    }

    /** Events of one round of the cross-node scenario, and the first ones left out (B's catch-up replay). */
    private static final int CROSS_STEPS = 100;
    private static final int CROSS_SKIP = 10;

    /**
     * Cross-node delivery: {@code slow_count} runs on node A (10 ms per step, with a progress token) while the same
     * response stream is also followed on node B (GET + {@code Last-Event-ID} of its first event). For each event
     * the scenario takes the time it reached the client through B minus the time it reached the client through A:
     * what crossing nodes adds (Redis wake-up, B's store read, B's write), A's own write path left out.
     */
    void crossNode(URI a, URI b) throws Exception {
        List<Double> all = new ArrayList<>();
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        for (int r = 0; r < plan.rounds(); r++) {
            double[] deltas = crossNodeRound(a, b);
            p50s.add(Stats.percentile(deltas, 50));
            p99s.add(Stats.percentile(deltas, 99));
            for (double d : deltas) {
                all.add(d);
            }
        }
        report.details("cross_node_latency").putPOJO("p50_rounds", p50s).putPOJO("p99_rounds", p99s)
                .put("events_per_round", CROSS_STEPS * 2 - CROSS_SKIP);
        double p50 = Stats.median(p50s);
        double p99 = Stats.median(p99s);
        report.add("cross_node_latency", "redis A -> B p50", p50, "ms", Double.NaN, Double.NaN, "<= 5 ms", p50 <= 5);
        report.add("cross_node_latency", "redis A -> B p99", p99, "ms");
    }

    /** @return per event, ms from its arrival through A to its arrival through B */
    private static double[] crossNodeRound(URI a, URI b) throws Exception {
        McpHttpClient onA = session(a);
        McpHttpClient onB = new McpHttpClient(b).readTimeout(READ_TIMEOUT).adopt(onA.sessionId());
        Map<String, Long> atA = new ConcurrentHashMap<>();
        Map<String, Long> atB = new ConcurrentHashMap<>();
        try (McpHttpClient.Response stream = onA.post(McpHttpClient.toolCall(onA.nextId(), "slow_count",
                "{\"count\":" + CROSS_STEPS + ",\"interval_ms\":10}", "p"))) {
            String first = null;
            for (var e = stream.next(); e != null && first == null; e = stream.next()) {
                if (!e.data().isEmpty()) {
                    first = e.id();
                    atA.put(first, System.nanoTime());
                }
            }
            if (first == null) {
                throw new IOException("slow_count on A sent no event");
            }
            String from = first;
            CompletableFuture<Void> followB = CompletableFuture.runAsync(() -> {
                try (McpHttpClient.Response resumed = onB.get(from)) {
                    for (var e = resumed.next(); e != null; e = resumed.next()) {
                        if (!e.data().isEmpty() && e.id() != null) {
                            atB.put(e.id(), System.nanoTime());
                        }
                    }
                }
            });
            for (var e = stream.next(); e != null; e = stream.next()) {
                if (!e.data().isEmpty()) {
                    atA.put(e.id(), System.nanoTime());
                }
            }
            followB.get(60, TimeUnit.SECONDS);
        }
        List<String> ids = new ArrayList<>(atA.keySet());
        ids.sort(Comparator.comparingLong(id -> atA.get(id)));
        List<Double> deltas = new ArrayList<>();
        for (int i = CROSS_SKIP; i < ids.size(); i++) {
            Long tb = atB.get(ids.get(i));
            if (tb == null) {
                throw new IOException("event " + ids.get(i) + " reached A's client but not B's");
            }
            deltas.add((tb - atA.get(ids.get(i))) / 1e6);
        }
        return deltas.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * {@code streams_10k}: 10,000 sessions each holding its listening stream open on one node (one shared client,
     * real sockets on loopback): the node's live threads and heap (after a GC) with all of them open, and the time
     * from one {@code notifyClients} to the moment the last of the 10,000 clients has the notification.
     */
    void streams10k(Procs.Node node, int count) throws Exception {
        String before = node.ask("stats");
        // daemon threads, shut down at the end: a pool left running kept the harness's JVM (and run.sh) from exiting
        ExecutorService clientThreads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "streams-10k-client");
            t.setDaemon(true);
            return t;
        });
        try {
            streams10k(node, count, before, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(clientThreads).connectTimeout(Duration.ofSeconds(10)).build());
        } finally {
            clientThreads.shutdownNow();
        }
    }

    private void streams10k(Procs.Node node, int count, String before, HttpClient http) throws Exception {
        CountDownLatch delivered = new CountDownLatch(count);
        long tOpen = System.nanoTime();
        for (int done = 0; done < count; done += 100) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (int i = done; i < Math.min(count, done + 100); i++) {
                batch.add(openListening(http, node.uri(), delivered));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        double openS = (System.nanoTime() - tOpen) / 1e9;
        String stats = node.ask("stats");
        long t0 = System.nanoTime();
        String notified = node.ask("notify streams-10k");
        boolean all = delivered.await(60, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t0) / 1e6;
        int threads = Integer.parseInt(stats.replaceAll(".*threads=(\\d+).*", "$1"));
        int heap = Integer.parseInt(stats.replaceAll(".*heap_mib=(\\d+).*", "$1"));
        report.details("streams_10k").put("before", before).put("open", stats).put("notify_call", notified)
                .put("open_seconds", openS).put("delivered", count - delivered.getCount());
        report.add("streams_10k", count + " streams: live threads of the node", threads, "threads", Double.NaN,
                Double.NaN, "<= Jetty pool (200) + 64", threads <= 264);
        report.add("streams_10k", count + " streams: heap used after GC", heap, "MiB", Double.NaN, Double.NaN,
                "<= 512 MiB", heap <= 512);
        report.add("streams_10k", "one notifyClients to all " + count, all ? ms : Double.NaN, "ms", Double.NaN,
                Double.NaN, "<= 2000 ms", all && ms <= 2000);
    }

    private static CompletableFuture<Void> openListening(HttpClient http, URI url,
            CountDownLatch delivered) {
        String init = McpHttpClient.initializeRequest("streams-10k", "{}", McpHttpClient.PROTOCOL_VERSION);
        return http.sendAsync(McpHttpClient.postRequest(url, null, init), HttpResponse.BodyHandlers.discarding()).thenCompose(response -> {
            String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow(
                    () -> new IllegalStateException("initialize answered " + response.statusCode()));
            return http.sendAsync(McpHttpClient.postRequest(url, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                    HttpResponse.BodyHandlers.discarding()).thenApply(ack -> session);
        }).thenCompose(session -> {
            CompletableFuture<Void> opened = new CompletableFuture<>();
            boolean[] seen = new boolean[1];
            http.sendAsync(McpHttpClient.listenRequest(url, session), info -> {
                if (info.statusCode() == 200) {
                    opened.complete(null);
                } else {
                    opened.completeExceptionally(new IllegalStateException("GET answered " + info.statusCode()));
                }
                return HttpResponse.BodySubscribers.fromLineSubscriber(new Flow.Subscriber<>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscription.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(String line) {
                        if (!seen[0] && line.startsWith("data:") && line.contains("streams-10k")) {
                            seen[0] = true;
                            delivered.countDown();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        // the stream ends with the run
                    }

                    @Override
                    public void onComplete() {
                        // the stream ends with the run
                    }
                });
            });
            return opened;
        });
    }

    /** Full {@code Last-Event-ID} replay of a response stream holding 10,000 stored events. */
    void replay(Map<String, URI> targets) throws Exception {
        for (Map.Entry<String, URI> t : targets.entrySet()) {
            List<Double> first = new ArrayList<>();
            List<Double> last = new ArrayList<>();
            McpHttpClient s = session(t.getValue());
            String stream = produce10k(s);
            for (int r = 0; r < plan.rounds() + 1; r++) {
                double[] fl = replayOnce(s, stream + ":0");
                if (r > 0) { // the first replay warms the code path
                    first.add(fl[0]);
                    last.add(fl[1]);
                }
            }
            report.details("replay_10k").putPOJO(t.getKey() + "_first_byte_rounds", first)
                    .putPOJO(t.getKey() + "_last_byte_rounds", last);
            double f = Stats.median(first);
            double l = Stats.median(last);
            report.add("replay_10k", t.getKey() + " first byte", f, "ms", Double.NaN, Double.NaN, "<= 5 ms", f <= 5);
            report.add("replay_10k", t.getKey() + " last byte", l, "ms", Double.NaN, Double.NaN, "<= 150 ms",
                    l <= 150);
        }
    }

    /** 4,999 steps with a progress token: 9,998 notifications, the response and the request = 10,000 events. */
    private static String produce10k(McpHttpClient s) {
        try (McpHttpClient.Response r = s.post(McpHttpClient.toolCall(s.nextId(), "slow_count",
                "{\"count\":4999,\"interval_ms\":0}", "p"))) {
            String stream = r.next().id();
            while (r.next() != null) {
                // read to the end
            }
            return stream.substring(0, stream.indexOf(':'));
        }
    }

    /** @return {ms to the first body byte, ms to the last}, from sending the GET */
    private static double[] replayOnce(McpHttpClient s, String lastEventId) throws IOException {
        int events = 0;
        long t0 = System.nanoTime();
        double firstMs = Double.NaN;
        try (McpHttpClient.Response r = s.get(lastEventId)) {
            for (var e = r.next(); e != null; e = r.next()) {
                if (Double.isNaN(firstMs)) {
                    firstMs = (System.nanoTime() - t0) / 1e6; // the priming event: the first bytes of the body
                }
                events += e.data().isEmpty() ? 0 : 1;
            }
        }
        double lastMs = (System.nanoTime() - t0) / 1e6;
        if (events != 9_999) {
            throw new IOException("replay delivered " + events + " events, expected 9999");
        }
        return new double[] {firstMs, lastMs};
    }

    /** First request of a stored session on a node that never saw it, vs the next request there. */
    void admission(URI nodeA, URI nodeB) throws Exception {
        double[] cold = new double[plan.admissions()];
        double[] warm = new double[plan.admissions()];
        McpHttpClient a = new McpHttpClient(nodeA).readTimeout(READ_TIMEOUT);
        McpHttpClient b = new McpHttpClient(nodeB).readTimeout(READ_TIMEOUT);
        // JIT warm-up, as every other scenario warms its servers: first WARM_UP of plain echo traffic on each node
        // (node B serves only this scenario, so without it its request path would still be interpreted), then
        // ADMISSION_WARM_UPS unrecorded sessions (at most ADMISSION_WARM_UP_LIMIT), so that initialize on A and the
        // admission on B are compiled as on a node that has admitted sessions before. Measured on 2 cores: after
        // 10 s of sessions alone (~200 of them) the "warm" call took 3-5 ms, against about 1 ms on a warmed node
        for (URI node : List.of(nodeA, nodeB)) {
            Load.throughput(sessions(node, plan.sessionCount(), s -> () -> call(s, "echo", ECHO_ARGS)), WARM_UP);
        }
        long warmUntil = System.nanoTime() + ADMISSION_WARM_UP_LIMIT.toNanos();
        int warmUps = 0;
        for (; warmUps < ADMISSION_WARM_UPS && System.nanoTime() < warmUntil; warmUps++) {
            coldThenWarm(a, b);
        }
        for (int i = 0; i < plan.admissions(); i++) {
            double[] ms = coldThenWarm(a, b);
            cold[i] = ms[0];
            warm[i] = ms[1];
        }
        double c50 = Stats.percentile(cold, 50);
        double c99 = Stats.percentile(cold, 99);
        double w50 = Stats.percentile(warm, 50);
        double w99 = Stats.percentile(warm, 99);
        report.details("admission_cold").put("sessions", plan.admissions());
        report.details("admission_cold").put("warm_up_sessions", warmUps);
        report.add("admission_cold", "cold p50 vs warm (+ms)", c50, "ms", w50, c50 - w50, "added p50 <= 1 ms",
                c50 - w50 <= 1);
        report.add("admission_cold", "cold p99 vs warm (+ms)", c99, "ms", w99, c99 - w99, "", null);
    }

    /** @return {ms of the first echo on node B of a session new on node A, ms of the next one there} */
    private static double[] coldThenWarm(McpHttpClient a, McpHttpClient b) throws IOException {
        a.adopt(null);
        a.open("bench", "{}");
        call(a, "echo", ECHO_ARGS);
        b.adopt(a.sessionId());
        long t0 = System.nanoTime();
        call(b, "echo", ECHO_ARGS);
        long t1 = System.nanoTime();
        call(b, "echo", ECHO_ARGS);
        long t2 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
    }

    /** Sidecar tools through MCP vs {@code echo} on the same server, per backend. */
    void sidecar(Map<String, URI> targets) throws Exception {
        for (Map.Entry<String, URI> t : targets.entrySet()) {
            URI uri = t.getValue();
            Map<String, List<Load.Op>> ops = new LinkedHashMap<>();
            ops.put("echo", sessions(uri, plan.sessionCount(), s -> () -> call(s, "echo", ECHO_ARGS)));
            ops.put("state_set", sessions(uri, plan.sessionCount(), s -> () -> call(s, "state_set",
                    "{\"key\":\"bench/" + s.sessionId() + "\",\"value\":{\"n\":1}}")));
            ops.put("state_get", sessions(uri, plan.sessionCount(), s -> {
                String key = "{\"key\":\"bench/" + s.sessionId() + "\"";
                call(s, "state_set", key + ",\"value\":{\"n\":1}}");
                return () -> call(s, "state_get", key + "}");
            }));
            ops.put("workflow_claim", sessions(uri, plan.sessionCount(), s -> {
                String created = call(s, "workflow_create", "{\"name\":\"bench\"}");
                Matcher m = Pattern.compile("wf-[0-9a-f]{12}").matcher(created);
                if (!m.find()) {
                    throw new IOException("no run id in " + created);
                }
                String args = "{\"run_id\":\"" + m.group() + "\",\"agent_id\":\"a-" + s.sessionId()
                        + "\",\"lease_ttl_seconds\":0.001}";
                return () -> call(s, "workflow_claim", args);
            }));
            ops.put("lease_acquire", sessions(uri, plan.sessionCount(), s -> () -> call(s, "lease_acquire",
                    "{\"resource_id\":\"bench/" + s.sessionId() + "\",\"holder_id\":\"h\",\"ttl_seconds\":0.001}")));
            Map<String, List<Double>> rps = rounds(ops, (name, o) -> Load.throughput(o, plan.window()));
            double echo = Stats.median(rps.get("echo"));
            ObjectNode d = report.details("sidecar_ops");
            for (String op : ops.keySet()) {
                d.putPOJO(t.getKey() + "_" + op + "_rounds", rps.get(op));
                double v = Stats.median(rps.get(op));
                if (op.equals("echo")) {
                    report.add("sidecar_ops", t.getKey() + " echo", v, "calls/s");
                } else {
                    report.add("sidecar_ops", t.getKey() + " " + op, v, "calls/s", echo, v / echo, ">= 0.8x echo",
                            v / echo >= 0.8);
                }
            }
        }
    }

    private interface OpFor {
        Load.Op create(McpHttpClient s) throws Exception;
    }

    private interface Measure {
        double run(String variant, List<Load.Op> ops) throws Exception;
    }

    /** Per variant, the p50 and the p99 (ms) of each round at the plan's fixed rate. */
    private record Latencies(Map<String, List<Double>> p50, Map<String, List<Double>> p99) {
    }

    /** Open-loop rounds at {@link Plan#rate()}: latency from each request's scheduled start. */
    private Latencies latencies(Map<String, List<Load.Op>> ops) throws Exception {
        Latencies l = new Latencies(new LinkedHashMap<>(), new LinkedHashMap<>());
        rounds(ops, (name, o) -> {
            double[] lat = Load.fixedRate(o, plan.rate(), plan.window());
            l.p50().computeIfAbsent(name, k -> new ArrayList<>()).add(Stats.percentile(lat, 50));
            l.p99().computeIfAbsent(name, k -> new ArrayList<>()).add(Stats.percentile(lat, 99));
            return 0;
        });
        return l;
    }

    /** One warm-up window per variant, then {@code plan.rounds()} rounds of all variants in turn. */
    private Map<String, List<Double>> rounds(Map<String, List<Load.Op>> ops, Measure measure) throws Exception {
        for (Map.Entry<String, List<Load.Op>> v : ops.entrySet()) {
            Load.throughput(v.getValue(), plan.window().dividedBy(2));
        }
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (int r = 0; r < plan.rounds(); r++) {
            for (Map.Entry<String, List<Load.Op>> v : ops.entrySet()) {
                out.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(measure.run(v.getKey(), v.getValue()));
            }
        }
        return out;
    }

    private static List<Load.Op> sessions(URI uri, int n, OpFor op) throws Exception {
        List<Load.Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(op.create(session(uri)));
        }
        return ops;
    }

    /** @return a client with an open session, its reads bounded by {@link #READ_TIMEOUT} */
    static McpHttpClient session(URI uri) {
        return new McpHttpClient(uri).readTimeout(READ_TIMEOUT).open("bench", "{}");
    }

    /**
     * Calls a tool to its final response.
     *
     * @return the final response's JSON text
     * @throws IOException when it is not a result, or a tool error
     */
    static String call(McpHttpClient s, String tool, String argumentsJson) throws IOException {
        String last = s.callTool(tool, argumentsJson).toString();
        if (!last.contains("\"result\"") || last.contains("\"isError\":true")) {
            throw new IOException(tool + " failed: " + last);
        }
        return last;
    }
}
