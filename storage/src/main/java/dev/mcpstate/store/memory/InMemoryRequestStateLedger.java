package dev.mcpstate.store.memory;

import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.internal.LedgerIds;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link RequestStateLedger} in this process's memory: one map entry per consumed state, claimed atomically per id
 * ({@link ConcurrentHashMap#compute}); expired entries are swept by a claim at most once a minute of the clock.
 * Thread-safe; never throws {@link dev.mcpstate.store.StoreException}.
 */
final class InMemoryRequestStateLedger implements RequestStateLedger {

    private static final long SWEEP_EVERY_MILLIS = 60_000;

    private final Clock clock;
    /** id to expiry, epoch millis. */
    private final Map<String, Long> used = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);
    /** This instance's {@link #sharedKey()}: nothing is shared beyond it. */
    private final String sharedKey = LedgerIds.newSharedKey();

    InMemoryRequestStateLedger(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public boolean claim(String id, Instant expiresAt) {
        LedgerIds.check(id, expiresAt);
        long now = clock.millis();
        sweep(now);
        long until = expiresAt.toEpochMilli();
        if (until <= now) {
            return false;
        }
        AtomicBoolean won = new AtomicBoolean();
        used.compute(id, (k, expiry) -> {
            if (expiry != null && expiry > now) {
                return expiry;
            }
            won.set(true);
            return until;
        });
        return won.get();
    }

    /** @return this instance's key: drawn when it was created, shared with no other instance */
    @Override
    public String sharedKey() {
        return sharedKey;
    }

    private void sweep(long now) {
        long due = nextSweep.get();
        if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_EVERY_MILLIS)) {
            used.values().removeIf(expiry -> expiry <= now);
        }
    }

    /** @return how many uses are remembered, expired ones not yet swept included; for tests */
    int size() {
        return used.size();
    }
}
