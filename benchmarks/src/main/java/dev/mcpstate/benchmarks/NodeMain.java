package dev.mcpstate.benchmarks;

import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.InterceptorConfig;

import java.net.URI;
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
        Thread.currentThread().join();
    }
}
