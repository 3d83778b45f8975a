package dev.mcpstate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand instead of sleeping. Thread-safe; always UTC.
 */
public final class MutableClock extends Clock {

    /** Where {@link #MutableClock()} starts: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;

    /** A clock showing {@link #DEFAULT_START}. */
    public MutableClock() {
        this(DEFAULT_START);
    }

    /** @param start the first instant the clock shows; not null */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start must not be null"));
    }

    /** Moves the clock forward (or back, for a negative amount). */
    public void advance(Duration amount) {
        now.updateAndGet(t -> t.plus(amount));
    }

    /** Moves the clock forward by {@code ms} milliseconds. */
    public void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }

    /** Sets the instant the clock shows. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant must not be null"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("MutableClock is always UTC");
    }
}
