package dev.mcpstate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code benchmarks/drill.sh}: runs the {@link Drill} and exits 1 when any event was lost or duplicated or a call
 * did not complete. Options: {@code --redis-url URL} (required), {@code --lb-jar PATH}, {@code --sessions N},
 * {@code --calls N}, {@code --steps N}, {@code --interval-ms N}, {@code --fast} (nodes detect a dead peer in
 * 1.5 s instead of the default 5 s).
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
        List<String> nodeArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--redis-url" -> redisUrl = args[++i];
                case "--lb-jar" -> lbJar = Path.of(args[++i]);
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--interval-ms" -> interval = Integer.parseInt(args[++i]);
                case "--fast" -> nodeArgs.addAll(Drill.FAST);
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (redisUrl == null) {
            throw new IllegalArgumentException("--redis-url redis://127.0.0.1:PORT is required");
        }
        Path jar = Path.of(DrillMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path logs = Files.createTempDirectory("mcp-state-drill");
        Drill.Tally tally = new Drill(new Drill.Config(3, sessions, calls, steps, interval, nodeArgs, jar, lbJar,
                redisUrl, logs, Duration.ofMinutes(10))).run();
        System.out.println(tally);
        System.out.println("node logs: " + logs);
        System.exit(tally.ok() ? 0 : 1);
    }
}
