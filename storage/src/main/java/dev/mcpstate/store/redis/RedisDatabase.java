package dev.mcpstate.store.redis;

import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StoreException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
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
import java.util.function.Supplier;

/**
 * The one Redis connection of a {@link RedisBackend}: one Lettuce client and one multiplexed connection with string
 * keys and values, shared by the session store, the event store, the sidecar store and the cluster bus (which opens
 * its own pub/sub connection from the same client).
 *
 * <p>Keys left behind by sessions that nobody purges expire by themselves: every write refreshes a cleanup
 * expiry of {@code max(sessionIdleTtl, eventMaxAge) + 1 hour} (real time) on the keys it touches. Whether a
 * session has expired is decided by callers from its last-seen time and the injected clock, never from these
 * expiries. Durability of writes is that of the Redis server's persistence settings (AOF/RDB).
 *
 * <p><b>Faults.</b> Every command, Lua scripts included, times out after {@link StorageConfig#commandTimeout()}
 * (Lettuce's {@link TimeoutOptions}; the connection handshake gets at least {@link #HANDSHAKE_TIMEOUT}). While the connection is down commands are rejected at once
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

    private static final Logger log = LoggerFactory.getLogger(RedisDatabase.class);

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    /** Lettuce builds a proxy on every sync() call: keep one. */
    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final RedisKeys keys;
    private final long cleanupTtlMillis;
    private final Duration timeout;
    /** Least time the connection handshake gets, however short the command timeout. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private final String description;
    private final boolean shardedPubSub;
    private final RedisBreaker breaker;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisDatabase(ClientResources resources, RedisClient client,
            StatefulRedisConnection<String, String> connection, StorageConfig config) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.sync = connection.sync();
        this.async = connection.async();
        this.keys = new RedisKeys(config.redisKeyPrefix());
        Duration longest = config.sessionIdleTtl().compareTo(config.eventMaxAge()) > 0
                ? config.sessionIdleTtl() : config.eventMaxAge();
        this.cleanupTtlMillis = longest.plus(CLEANUP_MARGIN).toMillis();
        this.timeout = config.commandTimeout();
        this.description = config.redactedRedisUrl();
        this.breaker = new RedisBreaker(description);
        List<Object> spublish = sync.commandInfo("spublish");
        this.shardedPubSub = !spublish.isEmpty() && spublish.get(0) != null;
    }

    /**
     * Connects to the Redis of a configuration.
     *
     * @param config the configuration; its {@link StorageConfig#redisUrl()} and key prefix are used; not null
     * @return the connected database
     * @throws StoreException when Redis cannot be reached
     */
    static RedisDatabase open(StorageConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        Duration timeout = config.commandTimeout();
        RedisURI uri = RedisURI.create(config.redisUrl());
        // the connection handshake (HELLO, AUTH, SELECT) may take longer on a busy host than one command may:
        // commands keep their own, shorter timeout (TimeoutOptions), and are rejected while disconnected anyway
        uri.setTimeout(timeout.compareTo(HANDSHAKE_TIMEOUT) > 0 ? timeout : HANDSHAKE_TIMEOUT);
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ZERO, RECONNECT_DELAY_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(options(timeout));
        try {
            RedisDatabase db = new RedisDatabase(resources, client, client.connect(), config);
            log.info("Redis store opened url={} prefix={} commandTimeout={}ms", db.description,
                    config.redisKeyPrefix(), timeout.toMillis());
            return db;
        } catch (RedisException e) {
            shutdown(client, resources);
            throw new StoreException("could not connect to Redis " + config.redactedRedisUrl() + ": "
                    + e.getMessage(), e);
        }
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

    private static void shutdown(RedisClient client, ClientResources resources) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** @return the shared connection, for tests in this package */
    StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    /** @return the asynchronous commands of the shared connection; thread-safe */
    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /** @return the synchronous commands of the shared connection; thread-safe */
    RedisClusterCommands<String, String> sync() {
        return sync;
    }

    /** @return a new pub/sub connection of the same client; the caller closes it */
    StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return client.connectPubSub();
    }

    /** @return the key layout */
    RedisKeys keys() {
        return keys;
    }

    /** @return the cleanup expiry, in milliseconds, that writes set on the keys they touch */
    long cleanupTtlMillis() {
        return cleanupTtlMillis;
    }

    /** @return true when the server has sharded pub/sub ({@code SPUBLISH}, Redis 7); else classic pub/sub */
    boolean shardedPubSub() {
        return shardedPubSub;
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
     * Sends one {@code PING} through the breaker and waits for the answer.
     *
     * @throws StoreException when Redis does not answer within the timeout or the breaker is open
     */
    void ping() {
        call("health check", sync::ping);
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

    /**
     * Runs a script and waits for its result (interrupt-safe, see {@link LuaScript#run}).
     *
     * @throws StoreException when it fails or times out
     */
    <T> T run(String what, LuaScript script, String[] keys, String... args) {
        return call(what, () -> script.run(async(), timeout, keys, args));
    }

    /**
     * Sends a script without waiting; scripts sent one after another from one thread run in that order.
     *
     * @return its result, or a future failed with {@link StoreException}
     */
    <T> CompletableFuture<T> runAsync(String what, LuaScript script, String[] keys, String... args) {
        return translate(what, breaker.callAsync(what, () -> script.<T>runAsync(async(), keys, args)));
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
                throw cause instanceof StoreException store ? store
                        : new StoreException("Redis " + what + " failed: " + cause.getMessage(), cause);
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
            throw new StoreException("Redis " + what + " failed: " + e.getCause().getMessage(), e.getCause());
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

    /** Closes the connection and shuts the client down. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            connection.close();
            shutdown(client, resources);
            log.info("Redis store closed url={}", description);
        }
    }
}
