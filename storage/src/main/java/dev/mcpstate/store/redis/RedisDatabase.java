package dev.mcpstate.store.redis;

import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StreamGapException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import reactor.core.Disposable;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Redis connections of a {@link RedisBackend}: one Lettuce client — {@link RedisClient} for one server,
 * {@link RedisClusterClient} for a Redis Cluster — and one multiplexed connection with string keys and values,
 * shared by the session store, the event store, the sidecar store and the cluster bus (which opens its own pub/sub
 * connection from the same client). Both kinds of connection offer Lettuce's {@link RedisClusterCommands} and
 * {@link RedisClusterAsyncCommands}, so every store is written once against those; on a cluster Lettuce routes each
 * command to the master of its key's hash slot.
 *
 * <p><b>Redis Cluster.</b> Lettuce's cluster client follows {@code MOVED}/{@code ASK} redirects (at most 5 per
 * command) and refreshes its view of the cluster adaptively — on a redirect, on a node that stays unreachable
 * ({@value #RECONNECTS_BEFORE_REFRESH} failed reconnects), on an unknown node or uncovered slot, at most once per
 * {@link #ADAPTIVE_REFRESH_MIN_GAP} — and every {@link #PERIODIC_REFRESH}, asking every node it knows. So when a
 * master dies and the cluster promotes its replica, commands for its slots fail fast (rejected while its connection
 * is down) until the next refresh names the new master, then go there. Scripts run as their {@link LuaScript#strict()}
 * twins, which Redis refuses to let touch another hash slot.
 *
 * <p><b>Waiting for replicas.</b> With {@link StorageConfig#waitReplicas()} {@code n > 0}, {@link #write} and
 * {@link #writeAsync} send each durable write and {@code WAIT n timeout} back to back on the connection to the master
 * of the write's hash slot (one round trip), and the write completes only when {@code n} replicas acknowledged it.
 * Those writes use a second connection of their own, so a {@code WAIT} — which holds its connection until the
 * replicas answer — never delays reads and the other commands.
 *
 * <p>Keys left behind by sessions that nobody purges expire by themselves: every write refreshes a cleanup
 * expiry of {@code max(sessionIdleTtl, eventMaxAge) + 1 hour} (real time) on the keys it touches. Whether a
 * session has expired is decided by callers from its last-seen time and the injected clock, never from these
 * expiries. Durability of writes is that of the Redis server's persistence settings (AOF/RDB) and, across a
 * failover, of {@code WAIT}.
 *
 * <p><b>Faults.</b> Every command, Lua scripts included, times out after {@link StorageConfig#commandTimeout()}
 * (Lettuce's {@link TimeoutOptions}; the connection handshake gets at least {@link #HANDSHAKE_TIMEOUT}). While a
 * connection is down commands are rejected at once
 * ({@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS}), never queued, and Lettuce reconnects by itself, at
 * most {@link #RECONNECT_DELAY_MAX} apart; the pub/sub connections resubscribe their channels when they are back.
 * Every operation passes the {@link RedisBreaker}, which fails everything at once while Redis is known down. No
 * command blocks on the server ({@code XREAD BLOCK}, {@code BLPOP}): every command is bounded by the timeout.
 *
 * <p>Thread-safe. Lettuce's {@link RedisException}s are rethrown as {@link StoreException} naming the operation.
 */
final class RedisDatabase implements AutoCloseable {

    /** Added to the longest retention time to get the cleanup expiry of a session's keys. */
    static final Duration CLEANUP_MARGIN = Duration.ofHours(1);

    /** Longest wait between two attempts to reconnect to a Redis that went away: 1 second. */
    static final Duration RECONNECT_DELAY_MAX = Duration.ofSeconds(1);

    /** How the append scripts' error reply for a count that does not match begins (see {@code common.lua}). */
    private static final String STREAM_GAP = "STREAMGAP ";

    /** Cluster: how often the view of the cluster is refreshed without a reason: every 5 seconds. */
    static final Duration PERIODIC_REFRESH = Duration.ofSeconds(5);

    /** Cluster: least time between two refreshes triggered by redirects or unreachable nodes: 500 ms. */
    static final Duration ADAPTIVE_REFRESH_MIN_GAP = Duration.ofMillis(500);

    /** Cluster: failed reconnects to one node that trigger a refresh of the view of the cluster. */
    static final int RECONNECTS_BEFORE_REFRESH = 2;

    private static final Logger log = LoggerFactory.getLogger(RedisDatabase.class);

    private final ClientResources resources;
    private final Link link;
    /** The connection of writes that wait for replicas; null when {@link StorageConfig#waitReplicas()} is 0. */
    private final Link durable;
    private final RedisKeys keys;
    private final long cleanupTtlMillis;
    private final Duration timeout;
    /** Least time the connection handshake gets, however short the command timeout. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private final int waitReplicas;
    private final long waitMillis;
    private final String description;
    private final boolean shardedPubSub;
    private final RedisBreaker breaker;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisDatabase(ClientResources resources, Link link, Link durable, StorageConfig config) {
        this.resources = resources;
        this.link = link;
        this.durable = durable;
        this.keys = new RedisKeys(config.redisKeyPrefix());
        Duration longest = config.sessionIdleTtl().compareTo(config.eventMaxAge()) > 0
                ? config.sessionIdleTtl() : config.eventMaxAge();
        this.cleanupTtlMillis = longest.plus(CLEANUP_MARGIN).toMillis();
        this.timeout = config.commandTimeout();
        this.waitReplicas = config.waitReplicas();
        this.waitMillis = config.waitTimeout().toMillis();
        this.description = describe(config);
        this.breaker = new RedisBreaker(description);
        List<Object> spublish = link.sync().commandInfo("spublish");
        this.shardedPubSub = !spublish.isEmpty() && spublish.get(0) != null;
        if (link.cluster() && !shardedPubSub) {
            throw new StoreException("Redis Cluster " + description + " has no sharded pub/sub (SPUBLISH): "
                    + "mcp-state needs Redis 7 or later on a cluster");
        }
    }

    private static String describe(StorageConfig config) {
        return config.isRedisCluster() ? "cluster " + String.join(",", config.redactedRedisClusterSeeds())
                : config.redactedRedisUrl();
    }

    /**
     * Connects to the Redis, or the Redis Cluster, of a configuration.
     *
     * @param config the configuration; its {@link StorageConfig#redisUrl()} or {@link StorageConfig#redisClusterSeeds()},
     *               key prefix, timeouts and {@link StorageConfig#waitReplicas()} are used; not null
     * @return the connected database
     * @throws StoreException when Redis cannot be reached (on a cluster: when no seed answers)
     */
    static RedisDatabase open(StorageConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        Duration timeout = config.commandTimeout();
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ZERO, RECONNECT_DELAY_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
        AbstractRedisClient client = null;
        Link link = null;
        try {
            boolean waits = config.waitReplicas() > 0;
            Link durable;
            if (config.isRedisCluster()) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, config.redisClusterSeeds().stream()
                        .map(seed -> uri(seed, timeout)).toList());
                client = cluster;
                cluster.setOptions(clusterOptions(timeout));
                link = new ClusterLink(cluster, cluster.connect(), false);
                awaitConnected(link.connectToMasters(), timeout);
                durable = waits ? new ClusterLink(cluster, cluster.connect(), true) : null;
                if (durable != null) {
                    awaitConnected(durable.connectToMasters(), timeout);
                }
            } else {
                RedisClient single = RedisClient.create(resources, uri(config.redisUrl(), timeout));
                client = single;
                single.setOptions(options(timeout));
                link = new StandaloneLink(single, single.connect(), false);
                durable = waits ? new StandaloneLink(single, single.connect(), true) : null;
            }
            RedisDatabase db = new RedisDatabase(resources, link, durable, config);
            if (db.cluster()) {
                db.onReconnectOrTopologyChange(event -> db.connectToMasters());
            }
            log.info("Redis store opened {} prefix={} commandTimeout={}ms waitReplicas={}", db.description,
                    config.redisKeyPrefix(), timeout.toMillis(), config.waitReplicas());
            return db;
        } catch (RedisException | StoreException e) {
            if (link != null) {
                link.connection().close();
            }
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            if (e instanceof StoreException store) {
                throw store;
            }
            throw new StoreException("could not connect to Redis " + describe(config) + ": " + e.getMessage(), e);
        }
    }

    /** Waits for connections being opened, up to the command timeout; one that fails is Lettuce's to retry. */
    private static void awaitConnected(CompletableFuture<Void> connected, Duration timeout) {
        try {
            connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("not every Redis Cluster master answered within {} ms: {}", timeout.toMillis(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while connecting to Redis Cluster", e);
        }
    }

    /**
     * Cluster: opens (if not yet open) the connections to every master, without waiting. Lettuce opens a node's
     * connection on its first command, and with {@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS} rejects
     * that command while the connection is being opened; so the connections to the masters are opened ahead: at
     * start, and whenever the topology changes (a replica promoted, a node added).
     */
    void connectToMasters() {
        link.connectToMasters();
        if (durable != null) {
            durable.connectToMasters();
        }
    }

    /**
     * Cluster: opens the pub/sub connections to every master ahead, like {@link #connectToMasters()}, so a sharded
     * subscription is not rejected while its node's connection is being opened. Does nothing on one server.
     *
     * @return when they are open (or failed)
     */
    static CompletableFuture<Void> connectToMasters(StatefulRedisPubSubConnection<String, String> pubSub) {
        if (pubSub instanceof StatefulRedisClusterPubSubConnection<String, String> cluster) {
            return toEveryMaster(cluster.getPartitions(), cluster::getConnectionAsync);
        }
        return CompletableFuture.completedFuture(null);
    }

    private static CompletableFuture<Void> toEveryMaster(Partitions partitions,
            BiFunction<String, Integer, CompletableFuture<?>> connect) {
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (RedisClusterNode node : partitions) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                    && !node.getSlots().isEmpty()) {
                try {
                    opening.add(connect.apply(node.getUri().getHost(), node.getUri().getPort()));
                } catch (RuntimeException e) {
                    opening.add(CompletableFuture.failedFuture(e));
                }
            }
        }
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new));
    }

    private static RedisURI uri(String url, Duration timeout) {
        RedisURI uri = RedisURI.create(url);
        // the connection handshake (HELLO, AUTH, SELECT) may take longer on a busy host than one command may:
        // commands keep their own, shorter timeout (TimeoutOptions), and are rejected while disconnected anyway
        uri.setTimeout(timeout.compareTo(HANDSHAKE_TIMEOUT) > 0 ? timeout : HANDSHAKE_TIMEOUT);
        return uri;
    }

    /** Fail fast: bounded commands and connects, rejected while disconnected, reconnected automatically. */
    static ClientOptions options(Duration timeout) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
                .build();
    }

    /** {@link #options(Duration)}, plus following the cluster's topology: redirects, failovers, new nodes. */
    static ClusterClientOptions clusterOptions(Duration timeout) {
        return ClusterClientOptions.builder(options(timeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(PERIODIC_REFRESH)
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_MIN_GAP)
                        .refreshTriggersReconnectAttempts(RECONNECTS_BEFORE_REFRESH)
                        .dynamicRefreshSources(true)
                        .closeStaleConnections(true)
                        .build())
                .build();
    }

    /** @return the shared connection, for tests in this package */
    StatefulConnection<String, String> connection() {
        return link.connection();
    }

    /**
     * @return synchronous commands of the connection to the server (on a cluster: the master) that serves the key's
     *     hash slot, for tests in this package that count or inspect what one server did
     */
    RedisClusterCommands<String, String> syncToMasterOf(String key) {
        return link.syncToMasterOf(key);
    }

    /** @return true on a Redis Cluster */
    boolean cluster() {
        return link.cluster();
    }

    /** @return the asynchronous commands of the shared connection; thread-safe */
    RedisClusterAsyncCommands<String, String> async() {
        return link.async();
    }

    /** @return the synchronous commands of the shared connection; thread-safe */
    RedisClusterCommands<String, String> sync() {
        return link.sync();
    }

    /**
     * @return a new pub/sub connection of the same client; on a cluster one whose messages from every node reach the
     *     listeners added to it, and whose shard-channel subscriptions go to the master of the channel's slot. The
     *     caller closes it
     */
    StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return link.connectPubSub();
    }

    /**
     * Calls {@code listener} on every change of the cluster's topology Lettuce notices and every (re)connection of
     * one of this client's connections; on one server, only on (re)connections.
     *
     * @return what stops the calls
     */
    AutoCloseable onReconnectOrTopologyChange(Consumer<Event> listener) {
        Disposable subscription = resources.eventBus().get()
                .filter(e -> e instanceof ConnectionActivatedEvent || e instanceof ClusterTopologyChangedEvent)
                .subscribe(listener);
        return subscription::dispose;
    }

    /** @return the key layout */
    RedisKeys keys() {
        return keys;
    }

    /** @return the cleanup expiry, in milliseconds, that writes set on the keys they touch */
    long cleanupTtlMillis() {
        return cleanupTtlMillis;
    }

    /** @return true when the server has sharded pub/sub ({@code SPUBLISH}, Redis 7); always on a cluster */
    boolean shardedPubSub() {
        return shardedPubSub;
    }

    /** @return how many replicas each durable write waits for; 0 for none */
    int waitReplicas() {
        return waitReplicas;
    }

    /** @return where this database is, with any password redacted */
    String description() {
        return description;
    }

    /** @return false while the breaker fails every operation at once (no I/O) */
    boolean available() {
        return breaker.available();
    }

    /**
     * Sends one {@code PING} through the breaker and waits for the answer (on a cluster, to one node).
     *
     * @throws StoreException when Redis does not answer within the timeout or the breaker is open
     */
    void ping() {
        call("health check", () -> link.sync().ping());
    }

    /**
     * Runs Redis work through the breaker, translating faults.
     *
     * @param what names the operation in the {@link StoreException} message
     * @throws StoreException when the breaker is open or the work throws a {@link RedisException}
     */
    <T> T call(String what, Supplier<T> work) {
        return breaker.call(what, work);
    }

    /** @return the script to run on this Redis: its strict twin on a cluster */
    private LuaScript onThisRedis(LuaScript script) {
        return link.cluster() ? script.strict() : script;
    }

    /**
     * Runs a script and waits for its result (interrupt-safe, see {@link LuaScript#run}); never waits for replicas.
     *
     * @throws StoreException when it fails or times out
     */
    <T> T run(String what, LuaScript script, String[] keys, String... args) {
        return call(what, () -> onThisRedis(script).run(async(), timeout, keys, args));
    }

    /**
     * Sends a script without waiting; scripts sent one after another from one thread run in that order. Never waits
     * for replicas.
     *
     * @return its result, or a future failed with {@link StoreException}
     */
    <T> CompletableFuture<T> runAsync(String what, LuaScript script, String[] keys, String... args) {
        return translate(what, breaker.callAsync(what, () -> onThisRedis(script).<T>runAsync(async(), keys, args)));
    }

    /**
     * Runs a durable write — a script a client may see the outcome of — and waits for its result and, with
     * {@link StorageConfig#waitReplicas()}, for that many replicas to acknowledge it. Interrupt-safe like
     * {@link LuaScript#run}.
     *
     * @throws StoreException when it fails, times out, or too few replicas acknowledged it
     */
    <T> T write(String what, LuaScript script, String[] keys, String... args) {
        if (durable == null) {
            return run(what, script, keys, args);
        }
        return call(what, () -> LuaScript.await(writeDurably(script, keys, args), timeout, script.name()));
    }

    /**
     * Sends a durable write without waiting, like {@link #runAsync}; with {@link StorageConfig#waitReplicas()} its
     * future completes once that many replicas acknowledged it. Writes sent one after another from one thread run in
     * that order.
     *
     * @return its result, or a future failed with {@link StoreException}
     */
    <T> CompletableFuture<T> writeAsync(String what, LuaScript script, String[] keys, String... args) {
        if (durable == null) {
            return runAsync(what, script, keys, args);
        }
        return translate(what, breaker.callAsync(what, () -> writeDurably(script, keys, args)));
    }

    /**
     * The script, then {@code WAIT}, on the durable connection to the master of {@code keys[0]}'s slot. A master
     * that answers {@code MOVED} or {@code ASK} (the cluster changed since Lettuce last looked) gets the script through
     * the cluster routing instead, which follows the redirect, and then {@code WAIT} on the new master.
     */
    private <T> CompletableFuture<T> writeDurably(LuaScript script, String[] keys, String[] args) {
        LuaScript lua = onThisRedis(script);
        RedisClusterAsyncCommands<String, String> master = durable.toMasterOf(keys[0]);
        CompletableFuture<T> written = lua.runAsyncThen(master, keys, args,
                () -> master.waitForReplication(waitReplicas, waitMillis).toCompletableFuture(), this::checkAcked);
        if (!durable.cluster()) {
            return written;
        }
        return written.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (!isRedirect(cause)) {
                return CompletableFuture.failedFuture(cause);
            }
            return lua.<T>runAsync(durable.async(), keys, args).thenCompose(result -> durable.toMasterOf(keys[0])
                    .waitForReplication(waitReplicas, waitMillis).toCompletableFuture()
                    .thenApply(acked -> {
                        checkAcked(acked);
                        return result;
                    }));
        });
    }

    private static boolean isRedirect(Throwable e) {
        String message = e.getMessage();
        return e instanceof RedisCommandExecutionException && message != null
                && (message.startsWith("MOVED") || message.startsWith("ASK"));
    }

    private void checkAcked(Long acked) {
        if (acked == null || acked < waitReplicas) {
            throw new StoreException("Redis WAIT: " + (acked == null ? 0 : acked) + " of " + waitReplicas
                    + " replicas acknowledged the write within " + waitMillis + " ms; not stored durably");
        }
    }

    /**
     * Sends a command through the breaker.
     *
     * @param command sends the command, e.g. {@code () -> db.async().zadd(...)}; not run while the breaker is open
     * @return the command's result, or a future failed with {@link StoreException} naming the operation
     */
    <T> CompletableFuture<T> send(String what, Supplier<? extends CompletionStage<T>> command) {
        return translate(what, breaker.callAsync(what, command));
    }

    /** @return the command's result, or a future failed with {@link StoreException} naming the operation */
    private static <T> CompletableFuture<T> translate(String what, CompletionStage<T> sent) {
        return sent.toCompletableFuture().handle((result, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof StoreException store) {
                    throw store;
                }
                if (cause instanceof RedisCommandExecutionException && cause.getMessage() != null
                        && cause.getMessage().startsWith(STREAM_GAP)) {
                    throw new StreamGapException("Redis " + what + " refused: " + cause.getMessage());
                }
                throw new StoreException("Redis " + what + " failed: " + cause.getMessage(), cause);
            }
            return result;
        });
    }

    /**
     * Waits for pipelined commands sent with the async API.
     *
     * @param what names the operation in the {@link StoreException} message
     * @return their results, in order
     * @throws StoreException when one failed or they did not complete within the connection timeout
     */
    <T> List<T> awaitAll(String what, List<CompletableFuture<T>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof StoreException store ? store
                    : new StoreException("Redis " + what + " failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new StoreException("Redis " + what + " timed out after " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Redis " + what + " was interrupted", e);
        }
        List<T> results = new ArrayList<>(futures.size());
        futures.forEach(f -> results.add(f.join()));
        return results;
    }

    /** Closes the connections and shuts the client down. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (durable != null) {
                durable.connection().close();
            }
            link.connection().close();
            link.client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            log.info("Redis store closed {}", description);
        }
    }

    /** One connection of the client, one server or a cluster, behind the command interfaces both share. */
    private interface Link {
        AbstractRedisClient client();

        StatefulConnection<String, String> connection();

        boolean cluster();

        RedisClusterCommands<String, String> sync();

        RedisClusterAsyncCommands<String, String> async();

        StatefulRedisPubSubConnection<String, String> connectPubSub();

        /** Cluster: opens the connections to every master ahead; @return when they are open (or failed) */
        CompletableFuture<Void> connectToMasters();

        /**
         * @return the commands of the connection to the master serving {@code key}'s hash slot, on which {@code WAIT}
         *     covers the writes sent before it
         */
        RedisClusterAsyncCommands<String, String> toMasterOf(String key);

        /** @return synchronous commands of the same connection as {@link #toMasterOf(String)} */
        RedisClusterCommands<String, String> syncToMasterOf(String key);
    }

    /**
     * One Redis server. Lettuce builds a proxy on every {@code sync()} call: keep one.
     *
     * @param forWrites true for the connection of the writes that wait for replicas
     */
    private record StandaloneLink(RedisClient client, StatefulRedisConnection<String, String> connection,
            RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async,
            boolean forWrites) implements Link {

        StandaloneLink(RedisClient client, StatefulRedisConnection<String, String> connection, boolean forWrites) {
            this(client, connection, connection.sync(), connection.async(), forWrites);
        }

        @Override
        public boolean cluster() {
            return false;
        }

        @Override
        public StatefulRedisPubSubConnection<String, String> connectPubSub() {
            return client.connectPubSub();
        }

        @Override
        public CompletableFuture<Void> connectToMasters() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public RedisClusterAsyncCommands<String, String> toMasterOf(String key) {
            return async;
        }

        @Override
        public RedisClusterCommands<String, String> syncToMasterOf(String key) {
            return sync;
        }
    }

    /**
     * A Redis Cluster: commands are routed by hash slot.
     *
     * @param forWrites true for the connection of the writes that wait for replicas
     */
    private record ClusterLink(RedisClusterClient client, StatefulRedisClusterConnection<String, String> connection,
            RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async,
            boolean forWrites) implements Link {

        ClusterLink(RedisClusterClient client, StatefulRedisClusterConnection<String, String> connection,
                boolean forWrites) {
            this(client, connection, connection.sync(), connection.async(), forWrites);
        }

        @Override
        public boolean cluster() {
            return true;
        }

        @Override
        public StatefulRedisPubSubConnection<String, String> connectPubSub() {
            StatefulRedisClusterPubSubConnection<String, String> pubSub = client.connectPubSub();
            pubSub.setNodeMessagePropagation(true);
            awaitConnected(RedisDatabase.connectToMasters(pubSub), connection.getTimeout());
            return pubSub;
        }

        @Override
        public CompletableFuture<Void> connectToMasters() {
            return toEveryMaster(connection.getPartitions(), connection::getConnectionAsync);
        }

        /** The node connection Lettuce itself routes the slot's writes to (keyed by the master's host and port). */
        @Override
        public RedisClusterAsyncCommands<String, String> toMasterOf(String key) {
            return nodeOf(key).async();
        }

        @Override
        public RedisClusterCommands<String, String> syncToMasterOf(String key) {
            return nodeOf(key).sync();
        }

        private StatefulRedisConnection<String, String> nodeOf(String key) {
            RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
            if (master == null) {
                throw new RedisException("no master serves the hash slot of " + key);
            }
            return connection.getConnection(master.getUri().getHost(), master.getUri().getPort());
        }
    }
}
