package dev.mcpstate.benchmarks;

import dev.mcpstate.testing.RedisClusterProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code benchmarks/drill.sh}: runs the {@link Drill} and exits 1 when any event was lost or duplicated, an
 * acknowledged event is missing from the store, or a call did not complete.
 *
 * <p>Options: {@code --redis-url URL} (the kill-a-node drill on that Redis), {@code --lb-jar PATH},
 * {@code --sessions N}, {@code --calls N}, {@code --steps N}, {@code --interval-ms N}, {@code --fast} (nodes poll every
 * 50 ms, beat every 200 ms and, on one Redis, detect a dead peer in 1.5 s instead of the default 5 s). {@code --failover} runs the failover drill instead: twice, each time
 * on a fresh local Redis Cluster ({@code --masters N}, default 3, {@code --replicas N} per master, default 1), a
 * master killed mid-run — first with every durable write waiting for {@code --wait-replicas N} replicas (default 1;
 * this run decides the exit code), then without waiting, to show what that loses.
 */
public final class DrillMain {

    private DrillMain() {
    }

    public static void main(String[] args) throws Exception {
        String redisUrl = null;
        Path lbJar = Path.of("loadbalancer-demo/target/mcp-state-lb.jar");
        int sessions = 50;
        int calls = 100;
        int steps = 8;
        int interval = 20;
        boolean failover = false;
        int masters = 3;
        int replicas = 1;
        int waitReplicas = 1;
        boolean fast = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--redis-url" -> redisUrl = args[++i];
                case "--lb-jar" -> lbJar = Path.of(args[++i]);
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--interval-ms" -> interval = Integer.parseInt(args[++i]);
                case "--fast" -> fast = true;
                case "--failover" -> failover = true;
                case "--masters" -> masters = Integer.parseInt(args[++i]);
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--wait-replicas" -> waitReplicas = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (redisUrl == null && !failover) {
            throw new IllegalArgumentException("--redis-url redis://127.0.0.1:PORT (or --failover) is required");
        }
        Path jar = Path.of(DrillMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path logs = Files.createTempDirectory("mcp-state-drill");
        List<String> nodeArgs = !fast ? List.of() : failover ? Drill.FAST_ON_CLUSTER : Drill.FAST;
        boolean ok;
        if (!failover) {
            Drill.Tally tally = new Drill(new Drill.Config(3, sessions, calls, steps, interval, nodeArgs, jar, lbJar,
                    Drill.Store.redis(redisUrl), Drill.Fault.KILL_NODE, logs, Duration.ofMinutes(10))).run();
            System.out.println(tally);
            ok = tally.ok();
        } else {
            ok = true;
            for (int wait : new int[] {waitReplicas, 0}) {
                System.out.printf("%n== failover drill: %d masters x %d replicas, %s ==%n", masters, replicas,
                        wait == 0 ? "no WAIT" : "WAIT " + wait);
                try (RedisClusterProcess cluster = RedisClusterProcess.launch(masters, replicas)) {
                    Drill.Tally tally = new Drill(new Drill.Config(3, sessions, calls, steps, interval, nodeArgs, jar,
                            lbJar, Drill.Store.cluster(cluster, wait), Drill.Fault.KILL_REDIS_MASTER,
                            logs.resolve(wait == 0 ? "no-wait" : "wait-" + wait), Duration.ofMinutes(10))).run();
                    System.out.println(tally);
                    if (wait > 0) {
                        ok = tally.ok();
                    }
                }
            }
        }
        System.out.println("node logs: " + logs);
        System.exit(ok ? 0 : 1);
    }
}
