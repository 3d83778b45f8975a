package dev.mcpstate.benchmarks;

import dev.mcpstate.store.internal.Json;
import dev.mcpstate.testing.RedisClusterProcess;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code benchmarks/run.sh}: starts the servers it needs as processes (bare SDK, the two floors, filter+SQLite, two
 * filter+Redis nodes on the Redis given with {@code --redis-url}), runs the JMH micro benchmarks and every scenario side by
 * side, prints the table and writes the JSON. Options: {@code --quick}, {@code --only a,b}, {@code --out FILE},
 * {@code --profile DIR} (a JFR recording per server process). The {@code cluster} scenario starts its own Redis Cluster
 * (3 masters, 3 replicas) and two nodes on it, one waiting for a replica after every durable write.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String redisUrl = null;
        Path out = Path.of("benchmarks/results/latest.json");
        Path profile = null;
        Set<String> only = Set.of("micro", "echo", "sse", "replay", "cross", "streams",
                "admission", "sidecar", "cluster");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--redis-url" -> redisUrl = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--profile" -> profile = Path.of(args[++i]);
                case "--only" -> only = Set.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (redisUrl == null) {
            throw new IllegalArgumentException("--redis-url redis://127.0.0.1:PORT is required");
        }
        int redisPort = URI.create(redisUrl).getPort();
        Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path work = Files.createTempDirectory("mcp-state-bench");
        List<String> jvm = new ArrayList<>();
        if (profile != null) {
            Files.createDirectories(profile);
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + profile.toAbsolutePath() + "/{name}.jfr");
        }
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("started", Instant.now().toString()).put("quick", quick).putObject("machine")
                .put("nproc", Runtime.getRuntime().availableProcessors()).put("cpu", Machine.cpuModel())
                .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                .put("loadavg_start", Machine.loadAverage());
        Scenarios.Plan plan = Scenarios.Plan.of(quick);
        header.putPOJO("plan", plan.toString());
        Report report = new Report();
        if (only.contains("micro")) {
            micro(quick, redisUrl, report, work);
        }
        try (Procs procs = new Procs(jar, work.resolve("logs"), jvm)) {
            Map<String, URI> nodes = new LinkedHashMap<>();
            nodes.put("bare", procs.node("bare", List.of("--bare", "--port", "0")).uri());
            nodes.put("floor-redis", procs.node("floor-redis", List.of("--floor-redis", redisUrl, "--port", "0"))
                    .uri());
            nodes.put("floor-sqlite", procs.node("floor-sqlite", List.of("--floor-sqlite",
                    work.resolve("floor.db").toString(), "--port", "0")).uri());
            nodes.put("filter+sqlite", procs.node("sqlite", List.of("--port", "0", "--store", "sqlite", "--db",
                    work.resolve("bench.db").toString(), "--node-id", "sqlite")).uri());
            nodes.put("filter+redis", procs.node("redis-1", List.of("--port", "0", "--store", "redis",
                    "--redis-url", redisUrl, "--node-id", "redis-1")).uri());
            URI second = procs.node("redis-2", List.of("--port", "0", "--store", "redis", "--redis-url", redisUrl,
                    "--node-id", "redis-2")).uri();
            System.err.println("servers up: " + nodes + ", second redis node " + second);
            Scenarios s = new Scenarios(plan, report);
            if (only.contains("echo")) {
                phase("echo", () -> s.echo(nodes));
            }
            if (only.contains("sse")) {
                phase("sse", () -> s.sse(nodes.get("bare"), nodes.get("filter+redis"), redisPort));
            }
            Map<String, URI> backends = new LinkedHashMap<>();
            backends.put("redis", nodes.get("filter+redis"));
            backends.put("sqlite", nodes.get("filter+sqlite"));
            if (only.contains("replay")) {
                phase("replay", () -> s.replay(backends));
            }
            if (only.contains("streams")) {
                Procs.Node streams = procs.node("streams-10k", "-Xmx512m", List.of("--port", "0", "--store",
                        "sqlite", "--db", work.resolve("streams.db").toString(), "--node-id", "streams"));
                phase("streams_10k", () -> s.streams10k(streams, 10_000));
            }
            if (only.contains("cross")) {
                phase("cross_node_latency", () -> s.crossNode(nodes.get("filter+redis"), second));
            }
            if (only.contains("admission")) {
                phase("admission", () -> s.admission(nodes.get("filter+redis"), second));
            }
            if (only.contains("sidecar")) {
                phase("sidecar", () -> s.sidecar(backends));
            }
            if (only.contains("cluster")) {
                phase("echo_cluster", () -> cluster(procs, s, nodes.get("bare"), nodes.get("filter+redis")));
            }
        }
        header.with("machine").put("loadavg_end", Machine.loadAverage());
        header.put("finished", Instant.now().toString());
        report.print(System.out);
        report.write(out, header);
        System.out.println("wrote " + out.toAbsolutePath());
        if (profile != null) {
            JfrTop.main(new String[] {profile.toString()});
        }
        if (failures > 0) {
            System.err.println(failures + " scenario(s) failed");
            System.exit(1);
        }
    }

    private interface Phase {
        void run() throws Exception;
    }

    private static int failures;

    /** Runs one scenario; a failing one is reported and the run goes on (the exit code is then 1). */
    private static void phase(String name, Phase phase) {
        long t0 = System.nanoTime();
        System.err.printf("%s ...%n", name);
        try {
            phase.run();
            System.err.printf("%s done in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
        } catch (Exception e) {
            failures++;
            System.err.printf("%s FAILED: %s%n", name, e);
            e.printStackTrace();
        }
    }

    /**
     * Echo on a local Redis Cluster (3 masters, 3 replicas) started for this phase: a node without and one with
     * {@code --redis-wait-replicas 1}, measured next to the bare SDK and filter+Redis. The cluster and its two nodes are
     * stopped at the end of the phase.
     */
    private static void cluster(Procs procs, Scenarios s, URI bare, URI single) throws Exception {
        try (RedisClusterProcess cluster = RedisClusterProcess.launch()) {
            Map<String, URI> targets = new LinkedHashMap<>();
            targets.put("bare", bare);
            targets.put("filter+redis", single);
            List<String> common = List.of("--port", "0", "--redis-cluster", cluster.seedList());
            Procs.Node plain = procs.node("redis-cluster", concat(common, List.of("--node-id", "cluster")));
            Procs.Node waiting = procs.node("redis-cluster-wait1", concat(common, List.of("--node-id",
                    "cluster-wait1", "--redis-wait-replicas", "1")));
            targets.put(Scenarios.CLUSTER, plain.uri());
            targets.put(Scenarios.CLUSTER_WAIT, waiting.uri());
            try {
                s.echoCluster(targets);
            } finally {
                Procs.kill(plain);
                Procs.kill(waiting);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** JMH: the SSE parser and the store calls of the hot path, in a forked JVM each. */
    private static void micro(boolean quick, String redisUrl, Report report, Path work) throws Exception {
        long t0 = System.nanoTime();
        var options = new OptionsBuilder().include("dev\\.mcpstate\\.benchmarks\\.micro\\..*").forks(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Dbench.redisUrl=" + redisUrl, "-Xmx1g")
                .output(work.resolve("jmh.log").toString()).build();
        for (RunResult r : new Runner(options).run()) {
            String name = r.getParams().getBenchmark().replace("dev.mcpstate.benchmarks.micro.", "");
            String backend = r.getParams().getParam("backend");
            report.add("micro (JMH)", name + (backend == null ? "" : " [" + backend + "]"),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
        }
        System.err.printf("micro done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
