package dev.mcpstate.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A real Redis Cluster of a test's own on loopback: {@code masters} masters with {@code replicasPerMaster} replicas
 * each (3 + 3 by {@link #launch()}), one {@code redis-server --cluster-enabled yes} process per node on free ports
 * (client port and cluster bus port both picked by {@link FreePort}), joined by
 * {@code redis-cli --cluster create ... --cluster-replicas N --cluster-yes}, and ready once every node reports
 * {@code cluster_state:ok}, all nodes agree on who serves which hash slot, and every replica's link to its master is
 * up.
 *
 * <p>Nodes run without persistence and with {@code cluster-node-timeout} {@value #NODE_TIMEOUT_MILLIS} ms, so a
 * killed master is replaced by its replica within a few seconds; {@code cluster-require-full-coverage no}, so the
 * other masters keep serving their slots meanwhile. {@link #kill(int)} sends {@code SIGKILL} to one node,
 * {@link #restart(int)} starts it again on its port with its {@code nodes.conf}, so it rejoins (a former master as a
 * replica of the one that replaced it), and {@link #failover(int)} promotes a replica gracefully
 * ({@code CLUSTER FAILOVER}).
 *
 * <p>Needs {@code redis-server} (7.0 or later, for {@code --cluster-port} and sharded pub/sub) and {@code redis-cli}
 * on the {@code PATH}; without them {@link #launch()} throws {@link IllegalStateException}, so such tests fail, never
 * skip. Not thread-safe: one test (or {@link RedisTestCluster}) drives it. {@link #close()} kills every node; a JVM exit
 * does too.
 */
public final class RedisClusterProcess implements AutoCloseable {

    /** {@code cluster-node-timeout} of every node: a master silent this long is failing. */
    public static final int NODE_TIMEOUT_MILLIS = 1000;

    private static final Duration FORM_WAIT = Duration.ofSeconds(60);

    private final Path dir;
    /** One client (one set of event loops) for every administrative connection. */
    private final RedisClient admin = RedisClient.create();
    /** By client port, in start order: masters first (as {@code --cluster create} assigns them), then replicas. */
    private final Map<Integer, RedisProcess> nodes = new LinkedHashMap<>();

    private RedisClusterProcess(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts 3 masters with 1 replica each and waits until the cluster serves every slot.
     *
     * @return the running cluster
     * @throws IllegalStateException when {@code redis-server} or {@code redis-cli} is missing or the cluster does not
     *                               form within 60 s
     */
    public static RedisClusterProcess launch() {
        return launch(3, 1);
    }

    /**
     * Starts a cluster and waits until it serves every slot.
     *
     * @param masters           at least 3 (Redis needs a majority of masters to fail a node over)
     * @param replicasPerMaster 0 or more
     * @return the running cluster
     * @throws IllegalStateException when {@code redis-server} or {@code redis-cli} is missing or the cluster does not
     *                               form within 60 s
     */
    public static RedisClusterProcess launch(int masters, int replicasPerMaster) {
        if (masters < 3 || replicasPerMaster < 0) {
            throw new IllegalArgumentException("a cluster needs at least 3 masters and 0 or more replicas each, was: "
                    + masters + " and " + replicasPerMaster);
        }
        String server = RedisProcess.binary();
        String cli = cli();
        RedisClusterProcess cluster;
        try {
            cluster = new RedisClusterProcess(Files.createTempDirectory("mcp-state-redis-cluster"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the cluster", e);
        }
        try {
            int count = masters * (1 + replicasPerMaster);
            for (int i = 0; i < count; i++) {
                int port = FreePort.find();
                Path nodeDir = Files.createDirectories(cluster.dir.resolve(Integer.toString(port)));
                cluster.nodes.put(port, RedisProcess.launch(server, port, nodeDir, List.of(
                        "--cluster-enabled", "yes", "--cluster-port", Integer.toString(FreePort.find()),
                        "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS),
                        "--cluster-require-full-coverage", "no")));
            }
            List<String> create = new ArrayList<>(List.of(cli, "--cluster", "create"));
            cluster.nodes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
            run(create);
            cluster.awaitHealthy();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    private static String cli() {
        String cli = RedisProcess.findOnPath("redis-cli");
        if (cli == null) {
            throw new IllegalStateException("redis-cli is not on the PATH; install it (Debian/Ubuntu: apt-get install "
                    + "redis-tools or redis-server; macOS: brew install redis)");
        }
        return cli;
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running redis-cli", e);
        }
    }

    /** @return {@code 127.0.0.1:<port>} of every node, masters of the first topology first; the cluster's seeds */
    public List<String> seeds() {
        return nodes.keySet().stream().map(port -> "127.0.0.1:" + port).toList();
    }

    /** @return {@link #seeds()} joined by commas, as {@code --redis-cluster} and {@code REDIS_CLUSTER} take them */
    public String seedList() {
        return String.join(",", seeds());
    }

    /** @return the client port of every node, running or not */
    public List<Integer> ports() {
        return List.copyOf(nodes.keySet());
    }

    /** @return true while the node on that port runs */
    public boolean running(int port) {
        return node(port).running();
    }

    /** @return the client ports of the nodes that are masters now, as a running node sees it */
    public List<Integer> masterPorts() {
        return topology().stream().filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM)
                && !n.is(RedisClusterNode.NodeFlag.FAIL) && !n.getSlots().isEmpty())
                .map(n -> n.getUri().getPort()).toList();
    }

    /**
     * @param key a Redis key or shard channel, hash tag and all
     * @return the client port of the master serving the key's hash slot now
     * @throws IllegalStateException when no live master serves it
     */
    public int masterPortOf(String key) {
        int slot = SlotHash.getSlot(key);
        return topology().stream().filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM)
                && !n.is(RedisClusterNode.NodeFlag.FAIL) && n.hasSlot(slot)).map(n -> n.getUri().getPort())
                .findFirst().orElseThrow(() -> new IllegalStateException("no live master serves slot " + slot));
    }

    /**
     * @param masterPort a master's client port
     * @return the client port of one of its replicas
     * @throws IllegalStateException when it has none
     */
    public int replicaPortOf(int masterPort) {
        List<RedisClusterNode> all = topology();
        String masterId = all.stream().filter(n -> n.getUri().getPort() == masterPort).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node on port " + masterPort)).getNodeId();
        return all.stream().filter(n -> masterId.equals(n.getSlaveOf()) && !n.is(RedisClusterNode.NodeFlag.FAIL))
                .map(n -> n.getUri().getPort()).findFirst()
                .orElseThrow(() -> new IllegalStateException("master on port " + masterPort + " has no replica"));
    }

    /** Kills one node ({@code SIGKILL}): its clients' connections drop at once; the cluster fails it over. */
    public void kill(int port) {
        node(port).kill();
    }

    /** Freezes one node ({@code SIGSTOP}): it keeps its connections and answers nothing. */
    public void pause(int port) {
        node(port).pause();
    }

    /** Lets a paused node go on ({@code SIGCONT}). */
    public void resume(int port) {
        node(port).resume();
    }

    /**
     * Starts a killed node again on its port, with its cluster identity, and waits until the cluster is healthy
     * again (it rejoins; empty, it resynchronizes from its master).
     */
    public void restart(int port) {
        node(port).start();
        awaitHealthy();
    }

    /**
     * Promotes a replica to master of its master's slots ({@code CLUSTER FAILOVER}: the old master stops taking
     * writes, the replica catches up, then takes over) and waits until the cluster is healthy again.
     *
     * @param replicaPort the replica's client port
     */
    public void failover(int replicaPort) {
        try (Connection c = new Connection(replicaPort)) {
            c.commands().clusterFailover(false);
        }
        await("port " + replicaPort + " to become a master", () -> {
            try (Connection c = new Connection(replicaPort)) {
                return c.commands().info("replication").contains("role:master");
            }
        });
        awaitHealthy();
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok}, every slot is served by a running master in
     * every running node's view, and every running replica's link to its master is up.
     *
     * @throws IllegalStateException when that takes longer than 60 s
     */
    public void awaitHealthy() {
        await("a healthy cluster", this::healthy);
    }

    private boolean healthy() {
        Map<Integer, Integer> slotOwner = null;
        for (Map.Entry<Integer, RedisProcess> node : nodes.entrySet()) {
            if (!node.getValue().running()) {
                continue;
            }
            try (Connection c = new Connection(node.getKey())) {
                RedisCommands<String, String> redis = c.commands();
                if (!redis.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
                Map<Integer, Integer> owners = new HashMap<>();
                for (RedisClusterNode n : ClusterPartitionParser.parse(redis.clusterNodes())) {
                    boolean liveMaster = n.is(RedisClusterNode.NodeFlag.UPSTREAM)
                            && !n.is(RedisClusterNode.NodeFlag.FAIL) && !n.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL);
                    int port = n.getUri().getPort() == 0 ? node.getKey() : n.getUri().getPort(); // "myself"
                    if (liveMaster && nodes.containsKey(port) && nodes.get(port).running()) {
                        n.getSlots().forEach(slot -> owners.put(slot, port));
                    }
                }
                if (owners.size() != SlotHash.SLOT_COUNT || (slotOwner != null && !slotOwner.equals(owners))) {
                    return false;
                }
                slotOwner = owners;
                String replication = redis.info("replication");
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                    return false;
                }
            } catch (RuntimeException notYet) {
                return false;
            }
        }
        return slotOwner != null;
    }

    /** Deletes every key on every master (replicas follow). */
    public void flushAll() {
        for (int port : masterPorts()) {
            try (Connection c = new Connection(port)) {
                c.commands().flushall();
            }
        }
    }

    /** Kills every node. Idempotent. */
    @Override
    public void close() {
        nodes.values().forEach(RedisProcess::close);
        admin.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    private RedisProcess node(int port) {
        RedisProcess node = nodes.get(port);
        if (node == null) {
            throw new IllegalArgumentException("no node of this cluster on port " + port + "; nodes: " + ports());
        }
        return node;
    }

    /** @return the cluster's nodes as the first running node answering {@code CLUSTER NODES} sees them */
    private List<RedisClusterNode> topology() {
        for (Map.Entry<Integer, RedisProcess> node : nodes.entrySet()) {
            if (!node.getValue().running()) {
                continue;
            }
            try (Connection c = new Connection(node.getKey())) {
                Partitions partitions = ClusterPartitionParser.parse(c.commands().clusterNodes());
                List<RedisClusterNode> all = new ArrayList<>();
                for (RedisClusterNode n : partitions) {
                    if (n.getUri().getPort() == 0) { // older servers leave out their own address
                        n.setUri(RedisURI.create("127.0.0.1", node.getKey()));
                    }
                    all.add(n);
                }
                return all;
            } catch (RuntimeException next) {
                // try the next node
            }
        }
        throw new IllegalStateException("no node of the cluster answers");
    }

    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(FORM_WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out after " + FORM_WAIT.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /** A short-lived plain connection to one node, for administration. */
    private final class Connection implements AutoCloseable {
        private final StatefulRedisConnection<String, String> connection;

        Connection(int port) {
            RedisURI uri = RedisURI.create("127.0.0.1", port);
            uri.setTimeout(Duration.ofSeconds(2));
            connection = admin.connect(uri);
        }

        RedisCommands<String, String> commands() {
            return connection.sync();
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return "RedisClusterProcess" + seeds();
    }
}
