package dev.mcpstate.benchmarks;

import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.InterceptorConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One server process of a benchmark or drill: {@code --bare --port P} (the SDK alone), {@code --floor-redis URL} or
 * {@code --floor-sqlite FILE} (the SDK plus one synchronous store write per call), or the example server with
 * the filter ({@link ServerOptions} flags) plus {@code --poll-ms}, {@code --heartbeat-ms}, {@code --dead-after-ms}
 * to tune {@link InterceptorConfig}. Prints {@code node ready url=<endpoint>} and runs until killed.
 */
public final class NodeMain {

    static final String READY = "node ready url=";

    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>();
        InterceptorConfig.Builder config = InterceptorConfig.builder();
        boolean bare = false;
        String floor = null;
        String floorTarget = null;
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bare" -> bare = true;
                case "--floor-redis" -> {
                    floor = "redis";
                    floorTarget = args[++i];
                }
                case "--floor-sqlite" -> {
                    floor = "sqlite";
                    floorTarget = args[++i];
                }
                case "--poll-ms" -> config.pollInterval(Duration.ofMillis(Long.parseLong(args[++i])));
                case "--heartbeat-ms" -> config.heartbeatInterval(Duration.ofMillis(Long.parseLong(args[++i])));
                case "--dead-after-ms" -> config.nodeDeadAfter(Duration.ofMillis(Long.parseLong(args[++i])));
                case "--port" -> {
                    port = Integer.parseInt(args[i + 1]);
                    rest.add(args[i]);
                    rest.add(args[++i]);
                }
                default -> rest.add(args[i]);
            }
        }
        URI uri;
        AutoCloseable server;
        if (bare || floor != null) {
            FloorFilter filter = floor == null ? null : floor.equals("redis") ? FloorFilter.redis(floorTarget)
                    : FloorFilter.sqlite(java.nio.file.Path.of(floorTarget));
            BareServer b = BareServer.start(port, filter);
            uri = b.uri();
            server = b;
        } else {
            McpStateServer s = McpStateServer.start(ServerOptions.parse(rest.toArray(String[]::new), Map.of()),
                    config.build());
            uri = s.uri();
            server = s;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e);
            }
        }, "node-stop"));
        System.out.println(READY + uri);
        System.out.flush();
        commands(server instanceof McpStateServer node ? node : null);
        Thread.currentThread().join();
    }

    /**
     * Answers one line on standard output per command line on standard input: {@code notify TEXT} sends a
     * {@code notifications/message} with data TEXT to every live session ({@code notifyClients}) and answers
     * {@code notified <ms>}; {@code stats} answers {@code stats threads=<live> heap_mib=<used after a GC>}.
     */
    private static void commands(McpStateServer node) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("notify ") && node != null) {
                long t0 = System.nanoTime();
                node.notifyClients("notifications/message", Map.of("level", "info", "data", line.substring(7)));
                System.out.printf("notified %.1f%n", (System.nanoTime() - t0) / 1e6);
            } else if (line.equals("stats")) {
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.printf("stats threads=%d heap_mib=%d%n",
                        ManagementFactory.getThreadMXBean().getThreadCount(), heap >> 20);
            } else {
                System.out.println("unknown command: " + line);
            }
            System.out.flush();
        }
    }
}
