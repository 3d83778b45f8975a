package dev.mcpstate.examples;

import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.RedisTestServer;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Example-server nodes in this process on the test Redis (emptied first), behind the real round-robin load balancer
 * jar ({@link Processes#LB_JAR}). {@link #close()} stops the processes, then the nodes.
 */
final class LbCluster implements AutoCloseable {

    private final List<McpStateServer> nodes;
    private final Processes processes;
    private final URI lb;

    private LbCluster(List<McpStateServer> nodes, Processes processes, URI lb) {
        this.nodes = nodes;
        this.processes = processes;
        this.lb = lb;
    }

    /**
     * @param dir    where the processes' logs go; not null
     * @param count  how many nodes ({@code node-1} …)
     * @param filter the nodes' filter settings; not null
     */
    static LbCluster start(Path dir, int count, InterceptorConfig filter) throws Exception {
        RedisTestServer.flushAll();
        Processes processes = new Processes(dir);
        List<McpStateServer> nodes = new ArrayList<>();
        List<String> lbArgs = new ArrayList<>(List.of("--port", Integer.toString(FreePort.find())));
        for (int i = 1; i <= count; i++) {
            McpStateServer node = McpStateServer.start(ServerOptions.parse(new String[] {"--port", "0", "--store",
                "redis", "--redis-url", RedisTestServer.url(), "--node-id", "node-" + i}, Map.of()), filter);
            nodes.add(node);
            lbArgs.add("--backend");
            lbArgs.add("http://" + node.uri().getAuthority());
        }
        processes.start(Processes.LB_JAR, "mcp-state-lb listening on", lbArgs);
        return new LbCluster(nodes, processes, URI.create("http://127.0.0.1:" + lbArgs.get(1) + "/mcp"));
    }

    /** @return the nodes, in start order */
    List<McpStateServer> nodes() {
        return nodes;
    }

    /** @return the processes, e.g. to start more */
    Processes processes() {
        return processes;
    }

    /** @return the MCP endpoint through the load balancer */
    URI lb() {
        return lb;
    }

    @Override
    public void close() throws Exception {
        processes.close();
        for (McpStateServer node : nodes) {
            node.close();
        }
    }
}
