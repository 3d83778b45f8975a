package dev.mcpstate.store.redis;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.StoreException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The bus of nodes sharing one Redis or one Redis Cluster. Every channel and key is in {@link RedisKeys}.
 *
 * <ul>
 *   <li>Responses: {@code SPUBLISH <prefix>:node:<owner>:responses "<sessionId>\n<json>"} (sharded pub/sub; plain
 *       {@code PUBLISH} before Redis 7); each node instance subscribes to its own channel. The command answers how
 *       many subscribers got the message — on a cluster, the subscribers on the master of the channel's slot, which
 *       is where sharded subscriptions go — which tells whether the issuing node is there.</li>
 *   <li>Wake-ups: the append scripts {@code SPUBLISH} on the session's {@code <prefix>:{<sid>}:wake} (the session's
 *       own slot); a node subscribes while it follows one of the session's streams.</li>
 *   <li>Session ends and changes: {@code PUBLISH <prefix>:sessions:ended <sessionId>} and
 *       {@code <prefix>:sessions:changed}, subscribed by every node. These are broadcasts: on a cluster, classic
 *       pub/sub messages reach every node of the cluster, whichever one a subscriber is connected to.</li>
 *   <li>Server changes ({@code subscriptions/listen}): {@code PUBLISH <prefix>:changes "<owner>\n<json>"}, subscribed
 *       by every node, which ignores its own (a broadcast too).</li>
 *   <li>Liveness: every {@code heartbeatInterval} a node sets {@code <prefix>:node:<owner>:alive} with expiry
 *       {@code deadAfter}; a node is alive while that key exists. Single-key commands, so any slot will do.</li>
 *   <li>Turns ({@link #claimTurn}): {@code <prefix>:turn:<task>} holds the owner whose turn it is, with expiry
 *       {@code turn}; one script sets it when nobody holds it or renews it for its holder, another removes it on
 *       {@link #close()} when this instance holds it. Expiry is Redis's clock, like the heartbeat's.</li>
 * </ul>
 *
 * <p><b>Outages, failovers.</b> When Redis comes back, Lettuce reconnects the subscriber and subscribes again to every
 * channel it had; a {@link #watch}/{@link #unwatch} whose command was rejected meanwhile is redone at the next
 * successful heartbeat, so wake-ups resume without a restart (until then followers fall back to polling). On a
 * cluster a sharded subscription lives on the master of its channel's slot: when that master fails over, or a
 * connection of this client comes back, or Lettuce sees the cluster's topology change, the next heartbeat subscribes
 * again to the responses channel and every watched wake channel, one command each, which Lettuce routes to the
 * current master (re-subscribing is idempotent). Thread-safe.
 */
final class RedisClusterBus implements ClusterBus {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterBus.class);
    /** Longest wait for the heartbeat key's removal on close. */
    private static final Duration CLOSE_WAIT = Duration.ofMillis(500);
    private static final LuaScript CLAIM_TURN = LuaScript.load(ScriptOutputType.INTEGER, "bus/claim_turn.lua");
    private static final LuaScript RELEASE_TURN = LuaScript.load(ScriptOutputType.INTEGER, "bus/release_turn.lua");

    private final RedisDatabase redis;
    private final RedisKeys keys;
    private final String owner;
    private final String responsesChannel;
    private final String endedChannel;
    private final String changedChannel;
    private final String serverChangesChannel;
    private final Duration deadAfter;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final ScheduledExecutorService heartbeat;
    private final List<BiConsumer<String, String>> responseHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> endedHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> changedHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> serverChangeHandlers = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<String, String>> appendHandlers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Integer> watched = new ConcurrentHashMap<>();
    /** Wake channels to leave whose unsubscribe failed; retried with {@link #resync}. */
    private final Set<String> leaveLater = ConcurrentHashMap.newKeySet();
    /** Set when a (un)subscribe failed: the next successful heartbeat redoes them. */
    private final AtomicBoolean resync = new AtomicBoolean();
    private final boolean sharded;
    /** The tasks this instance claimed a turn at, given up on {@link #close()}; guards {@link #turnsClosed}. */
    private final Set<String> claimedTurns = new HashSet<>();
    /** Set by {@link #close()}: no turn is claimed after the turns were given up. */
    private boolean turnsClosed;
    /** Sets {@link #resync} on reconnects and topology changes. */
    private final AutoCloseable topologyListener;

    RedisClusterBus(RedisDatabase redis, String owner, Duration heartbeatInterval, Duration deadAfter) {
        this.redis = Objects.requireNonNull(redis, "redis must not be null");
        this.owner = Objects.requireNonNull(owner, "owner must not be null");
        this.deadAfter = Objects.requireNonNull(deadAfter, "deadAfter must not be null");
        if (deadAfter.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("deadAfter must be longer than heartbeatInterval, was: " + deadAfter
                    + " <= " + heartbeatInterval);
        }
        this.keys = redis.keys();
        this.responsesChannel = keys.nodeResponses(owner);
        this.endedChannel = keys.sessionsEnded();
        this.changedChannel = keys.sessionsChanged();
        this.serverChangesChannel = keys.serverChanges();
        this.sharded = redis.shardedPubSub();
        try {
            this.subscriber = redis.connectPubSub();
        } catch (RuntimeException e) {
            throw new StoreException("cannot subscribe to Redis pub/sub: " + e.getMessage(), e);
        }
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                dispatch(channel, message);
            }

            @Override
            public void smessage(String channel, String message) {
                dispatch(channel, message);
            }
        });
        if (sharded) {
            subscriber.sync().ssubscribe(responsesChannel);
            subscriber.sync().subscribe(endedChannel, changedChannel, serverChangesChannel);
        } else {
            subscriber.sync().subscribe(responsesChannel, endedChannel, changedChannel, serverChangesChannel);
        }
        this.topologyListener = redis.onReconnectOrTopologyChange(event -> resync.set(true));
        beat();
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mcp-state-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = heartbeatInterval.toMillis();
        heartbeat.scheduleWithFixedDelay(this::beatQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public boolean sendResponse(String target, String sessionId, String response) {
        String channel = keys.nodeResponses(target);
        String message = sessionId + "\n" + response;
        Long receivers = redis.call("route response", () -> sharded ? redis.sync().spublish(channel, message)
                : redis.sync().publish(channel, message));
        return receivers != null && receivers > 0;
    }

    @Override
    public void onResponse(BiConsumer<String, String> handler) {
        responseHandlers.add(Objects.requireNonNull(handler, "handler must not be null"));
    }

    @Override
    public void publishSessionEnded(String sessionId) {
        redis.call("publish session end", () -> redis.sync().publish(endedChannel, sessionId));
    }

    @Override
    public void onSessionEnded(Consumer<String> handler) {
        endedHandlers.add(Objects.requireNonNull(handler, "handler must not be null"));
    }

    @Override
    public void publishSessionChanged(String sessionId) {
        publishAsOwner("publish session change", changedChannel, sessionId);
    }

    @Override
    public void onSessionChanged(Consumer<String> handler) {
        changedHandlers.add(Objects.requireNonNull(handler, "handler must not be null"));
    }

    @Override
    public void publishServerChange(String change) {
        Objects.requireNonNull(change, "change must not be null");
        publishAsOwner("publish server change", serverChangesChannel, change);
    }

    @Override
    public void onServerChange(Consumer<String> handler) {
        serverChangeHandlers.add(Objects.requireNonNull(handler, "handler must not be null"));
    }

    /** Subscribes (sharded where Redis has it) to the session's wake channel on its first watch. */
    @Override
    public void watch(String sessionId) {
        if (watched.merge(sessionId, 1, Integer::sum) == 1) {
            subscribe(keys.wake(sessionId));
        }
    }

    @Override
    public void unwatch(String sessionId) {
        Integer left = watched.computeIfPresent(sessionId, (id, n) -> n == 1 ? null : n - 1);
        if (left == null) {
            unsubscribe(keys.wake(sessionId));
        }
    }

    private void subscribe(String channel) {
        leaveLater.remove(channel);
        try {
            CompletionStage<Void> sent = sharded ? subscriber.async().ssubscribe(channel)
                    : subscriber.async().subscribe(channel);
            sent.exceptionally(e -> redoLater());
        } catch (RuntimeException e) {
            redoLater();
        }
    }

    private void unsubscribe(String channel) {
        try {
            CompletionStage<Void> sent = sharded ? subscriber.async().sunsubscribe(channel)
                    : subscriber.async().unsubscribe(channel);
            sent.exceptionally(e -> {
                leaveLater.add(channel);
                return redoLater();
            });
        } catch (RuntimeException e) {
            leaveLater.add(channel);
            redoLater();
        }
    }

    private Void redoLater() {
        resync.set(true);
        return null;
    }

    /**
     * Subscribes again to the responses channel (sharded) and to the wake channel of every watched session, and
     * leaves the ones left over, after a (un)subscribe failed, a reconnect or a change of the cluster. Both commands
     * are idempotent in Redis; a watch racing with this costs at worst a spare subscription, whose wake-ups nobody
     * follows.
     */
    private void resync() {
        RedisDatabase.connectToMasters(subscriber); // a promoted replica's connection, before subscribing there
        for (String channel : List.copyOf(leaveLater)) {
            leaveLater.remove(channel);
            unsubscribe(channel); // adds it again if it fails again
        }
        if (sharded) {
            subscribe(responsesChannel);
        }
        watched.keySet().forEach(sessionId -> subscribe(keys.wake(sessionId)));
    }

    @Override
    public void onAppend(BiConsumer<String, String> handler) {
        appendHandlers.add(Objects.requireNonNull(handler, "handler must not be null"));
    }

    @Override
    public boolean isAlive(String target) {
        if (owner.equals(target)) {
            return true;
        }
        Long exists = redis.call("check node liveness", () -> redis.sync().exists(aliveKey(target)));
        return exists != null && exists > 0;
    }

    @Override
    public boolean claimTurn(String task, Duration turn) {
        Objects.requireNonNull(task, "task must not be null");
        if (Objects.requireNonNull(turn, "turn must not be null").toMillis() < 1) {
            throw new IllegalArgumentException("turn must be at least 1 ms, was: " + turn);
        }
        synchronized (claimedTurns) { // not interleaved with close(): a closed bus holds no turn
            if (turnsClosed) {
                return false;
            }
            claimedTurns.add(task);
            Long mine = redis.run("claim turn", CLAIM_TURN, new String[] {keys.turn(task)}, owner,
                    Long.toString(turn.toMillis()));
            return mine != null && mine == 1;
        }
    }

    @Override
    public void close() {
        synchronized (claimedTurns) {
            turnsClosed = true;
            for (String task : claimedTurns) {
                try {
                    // best effort: a turn not given up expires by itself
                    redis.run("release turn", RELEASE_TURN, new String[] {keys.turn(task)}, owner);
                } catch (RuntimeException e) {
                    log.debug("could not give up turn: task={} owner={} cause={}", task, owner, e.toString());
                }
            }
        }
        try {
            topologyListener.close();
        } catch (Exception e) {
            log.debug("could not stop listening to topology changes: {}", e.toString());
        }
        heartbeat.shutdownNow();
        try {
            // a beat under way must not set the key again after it is removed
            heartbeat.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            // best effort and bounded: when Redis is already gone the key expires by itself after deadAfter
            redis.async().del(aliveKey(owner)).toCompletableFuture()
                    .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("could not remove heartbeat: owner={} cause={}", owner, e.toString());
        }
        subscriber.closeAsync();
    }

    /** Hands the payload of an {@code "<owner>\n<payload>"} broadcast to {@code handlers}, unless this node sent it. */
    private void fromOthers(String message, List<Consumer<String>> handlers) {
        int newline = message.indexOf('\n');
        if (newline > 0 && !message.substring(0, newline).equals(owner)) {
            String payload = message.substring(newline + 1);
            handlers.forEach(h -> h.accept(payload));
        }
    }

    /** Broadcasts {@code "<owner>\n<payload>"} on a channel every node subscribes to. */
    private void publishAsOwner(String what, String channel, String payload) {
        redis.call(what, () -> redis.sync().publish(channel, owner + "\n" + payload));
    }

    private void dispatch(String channel, String message) {
        try {
            if (channel.endsWith(WAKE_SUFFIX)) {
                String sessionId = sessionOfWake(channel);
                if (sessionId != null) {
                    appendHandlers.forEach(h -> h.accept(sessionId, message));
                }
            } else if (channel.equals(endedChannel)) {
                endedHandlers.forEach(h -> h.accept(message));
            } else if (channel.equals(changedChannel)) {
                fromOthers(message, changedHandlers);
            } else if (channel.equals(serverChangesChannel)) {
                fromOthers(message, serverChangeHandlers);
            } else if (channel.equals(responsesChannel)) {
                int newline = message.indexOf('\n');
                if (newline > 0) {
                    String sessionId = message.substring(0, newline);
                    String response = message.substring(newline + 1);
                    responseHandlers.forEach(h -> h.accept(sessionId, response));
                }
            }
        } catch (RuntimeException e) {
            log.warn("bus handler failed: channel={} cause={}", channel, e.toString());
        }
    }

    private void beat() {
        redis.call("heartbeat", () -> redis.sync().set(aliveKey(owner), "1",
                SetArgs.Builder.px(deadAfter.toMillis())));
    }

    private void beatQuietly() {
        try {
            beat();
            if (resync.getAndSet(false)) {
                resync();
            }
        } catch (RuntimeException e) {
            log.warn("heartbeat failed: owner={} cause={}", owner, e.toString());
        }
    }

    private static final String WAKE_SUFFIX = "}:wake";

    /** @return the session id of a wake channel {@code <prefix>:{<sessionId>}:wake}, or null */
    private static String sessionOfWake(String channel) {
        int open = channel.indexOf('{');
        int close = channel.length() - WAKE_SUFFIX.length();
        return open < 0 || close <= open ? null : channel.substring(open + 1, close);
    }

    private String aliveKey(String target) {
        return keys.nodeAlive(target);
    }
}
