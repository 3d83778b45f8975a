package dev.mcpstate.interceptor.internal;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.sdk.SdkSessions;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps storage and this node's SDK bounded: evicts from this node's SDK the sessions the store no longer considers
 * live (marking those that went idle past their TTL EXPIRED first, so that the node that does so records their end),
 * then purges sessions idle longer than their TTL (and terminal ones) with their events, removes the streams closed
 * longer than {@link StorageConfig#closedStreamMaxAge()} ago and trims events older than
 * {@link StorageConfig#eventMaxAge()}. Runs periodically ({@link #run()}, one run at a time: a run due while the
 * one before still works only renews the turn); {@link #runNow()} runs it at once. The eviction is this node's own;
 * the purge and the trim are store-wide, so a periodic run does them only on its turn ({@link ClusterBus#claimTurn},
 * task {@value #TASK}): of many nodes on one store, one at a time walks it, and another takes over within a turn
 * when that one stops. A storage fault is logged and retried at the next run.
 */
public final class Retention implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    /** The store-wide task whose turn the nodes take. */
    static final String TASK = "retention";

    private final SessionStore sessions;
    private final StreamHub hub;
    private final SdkSessions sdk;
    private final StorageConfig storage;
    private final Clock clock;
    private final ClusterBus bus;
    private final FilterMetrics metrics;
    private final Duration turn;
    /** Set while a periodic run works. */
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param turn how long this node's turn at the store-wide part lasts: longer than the time between runs, so that
     *             the node renews it while it runs; positive
     */
    Retention(SessionStore sessions, StreamHub hub, SdkSessions sdk, StorageConfig storage, Clock clock,
            ClusterBus bus, FilterMetrics metrics, Duration turn) {
        this.turn = Objects.requireNonNull(turn, "turn must not be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
        this.bus = Objects.requireNonNull(bus, "bus must not be null");
        this.sessions = Objects.requireNonNull(sessions, "sessions must not be null");
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
        this.sdk = Objects.requireNonNull(sdk, "sdk must not be null");
        this.storage = Objects.requireNonNull(storage, "storage must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /** A periodic run: evicts always; purges and trims when it is this node's turn. */
    @Override
    public void run() {
        if (!running.compareAndSet(false, true)) {
            try {
                bus.claimTurn(TASK, turn); // still at it: keep the turn, start nothing
            } catch (RuntimeException e) {
                log.debug("retention could not renew its turn: cause={}", e.toString());
            }
            return;
        }
        try {
            runWith(true);
        } finally {
            running.set(false);
        }
    }

    /** Runs every part at once, turn or not. */
    public void runNow() {
        runWith(false);
    }

    private void runWith(boolean byTurn) {
        try {
            Instant now = clock.instant();
            int evicted = 0;
            for (String id : sdk.ids()) {
                Optional<SessionRecord> record = sessions.find(id);
                if (record.isEmpty() || record.get().status().isTerminal()
                        || record.get().isExpiredAt(now, storage.sessionIdleTtl())) {
                    if (record.isPresent() && !record.get().status().isTerminal()
                            && sessions.updateStatus(id, SessionStatus.EXPIRED)) {
                        metrics.sessionEnded(record.get(), record.get().lastSeenAt(), true);
                    }
                    sdk.evict(id);
                    evicted++;
                }
            }
            if (byTurn && !bus.claimTurn(TASK, turn)) {
                if (evicted > 0) {
                    log.info("retention: evictedLocal={} (another node's turn at purge and trim)", evicted);
                }
                return;
            }
            List<String> purged = sessions.purge(now.minus(storage.sessionIdleTtl()));
            metrics.purged(purged.size());
            for (String id : purged) {
                hub.events().deleteSession(id);
                bus.publishSessionEnded(id);
            }
            long trimmed = hub.events().trim(now.minus(storage.eventMaxAge()),
                    now.minus(storage.closedStreamMaxAge()));
            metrics.trimmed(trimmed);
            if (!purged.isEmpty() || trimmed > 0 || evicted > 0) {
                log.info("retention: purgedSessions={} trimmedEvents={} evictedLocal={}", purged.size(), trimmed,
                        evicted);
            }
        } catch (RuntimeException e) {
            log.warn("retention run failed, retrying next time: cause={}", e.toString());
        }
    }
}
