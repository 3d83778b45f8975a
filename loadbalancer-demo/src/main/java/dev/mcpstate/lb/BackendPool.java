package dev.mcpstate.lb;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends of the load balancer in rotation order, and what it knows about their health.
 *
 * <p>{@link #choose(Collection)} hands out backends in round-robin order, skipping the ones that are
 * out of rotation. A backend leaves the rotation when
 * <ul>
 *   <li>it is <em>down</em>: a request to it failed before its response started, reported with
 *       {@link #failed(Choice, Throwable)} (connection refused, connect timeout, connection reset or
 *       closed before the status line). After a backoff ({@code downBackoff}, doubled after every failed
 *       probe, at most {@code maxDownBackoff}) the next request that would go to it is let through as a
 *       <em>probe</em> ({@link Admission#PROBE}); a probe whose response starts
 *       ({@link #responded(Choice)}) brings the backend back up. Only one probe is let through per
 *       backoff period, even if it never reports back;</li>
 *   <li>or it is <em>not ready</em>: the last active health check ({@link #checked(URI, boolean, String)})
 *       failed. No probe goes to it; only a passing check brings it back (and also ends a down period).
 *       Without active checks every backend stays ready.</li>
 * </ul>
 *
 * <p>When every backend that a request has not tried yet is out of rotation, {@link #choose(Collection)}
 * returns one of them anyway ({@link Admission#LAST_RESORT}): the balancer never refuses a request
 * without trying.
 *
 * <p>Time comes from the {@link Clock} given to the constructor, so tests move it by hand.
 *
 * <p>Thread-safe: the rotation is one {@link AtomicLong}; each backend's state is guarded by its own
 * lock. The backend list is immutable.
 */
public final class BackendPool {

    /** How a {@link Choice} was admitted. */
    public enum Admission {
        /** The backend is up and ready. */
        IN_ROTATION,
        /** The backend is down and its backoff has passed: this request tells whether it is back. */
        PROBE,
        /** Every backend the request has not tried yet is out of rotation; this one is tried anyway. */
        LAST_RESORT
    }

    /**
     * One backend picked for one attempt of a request.
     *
     * @param backend   the backend base URL, one of {@link #backends()}; not null
     * @param admission why it was picked; not null
     */
    public record Choice(URI backend, Admission admission) {
        /** @throws NullPointerException when an argument is null */
        public Choice {
            Objects.requireNonNull(backend, "backend must not be null");
            Objects.requireNonNull(admission, "admission must not be null");
        }
    }

    /**
     * A snapshot of one backend's health.
     *
     * @param backend             the backend base URL; not null
     * @param up                  false while the backend is down after a failed request
     * @param ready               false while the last active health check failed; true without active checks
     * @param consecutiveFailures 1 for the failure that took the backend down plus 1 per failed probe
     *                            since; 0 when up
     * @param retryAt             when the next probe may go to a down backend; null when up
     * @param attempts            how many attempts {@link #choose(Collection)} sent to the backend so far
     */
    public record BackendStatus(URI backend, boolean up, boolean ready, int consecutiveFailures, Instant retryAt,
                                long attempts) {
        /** Returns whether requests are sent to the backend in its turn: it is up and ready. */
        public boolean inRotation() {
            return up && ready;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);

    private final List<URI> backends;
    private final List<State> rotation;
    private final Map<URI, State> states = new LinkedHashMap<>();
    private final Duration downBackoff;
    private final Duration maxDownBackoff;
    private final Clock clock;
    private final AtomicLong requests = new AtomicLong();

    /**
     * Creates a pool with every backend up and ready.
     *
     * @param backends       backend base URLs in rotation order; a URL given twice is one backend that takes
     *                       two turns; not null, not empty, no null element
     * @param downBackoff    how long a backend stays down before the first probe; positive, not null
     * @param maxDownBackoff the longest wait between probes (the backoff doubles after each failed probe);
     *                       not null, not less than {@code downBackoff}
     * @param clock          the time source for backoffs; not null
     * @throws IllegalArgumentException when {@code backends} is empty or a backoff is out of range
     * @throws NullPointerException     when an argument or a backend is null
     */
    public BackendPool(List<URI> backends, Duration downBackoff, Duration maxDownBackoff, Clock clock) {
        this.backends = List.copyOf(Objects.requireNonNull(backends, "backends must not be null"));
        this.downBackoff = Objects.requireNonNull(downBackoff, "downBackoff must not be null");
        this.maxDownBackoff = Objects.requireNonNull(maxDownBackoff, "maxDownBackoff must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        if (this.backends.isEmpty()) {
            throw new IllegalArgumentException("backends must not be empty");
        }
        if (downBackoff.isNegative() || downBackoff.isZero()) {
            throw new IllegalArgumentException("downBackoff must be positive, got " + downBackoff);
        }
        if (maxDownBackoff.compareTo(downBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxDownBackoff " + maxDownBackoff + " must not be less than downBackoff " + downBackoff);
        }
        List<State> order = new ArrayList<>();
        for (URI backend : this.backends) {
            order.add(states.computeIfAbsent(backend, State::new));
        }
        this.rotation = List.copyOf(order);
    }

    /** Returns the backend base URLs in rotation order; unmodifiable, never empty. */
    public List<URI> backends() {
        return backends;
    }

    /**
     * Picks the backend for the next attempt of a request and takes one turn of the rotation.
     *
     * <p>The backends in rotation (plus any down backend whose probe is due) that the request has not
     * tried share the turns in round-robin order; with every backend up, requests go to
     * {@code a, b, c, a, b, ...} in arrival order. A due probe is handed to one request only.
     *
     * @param tried the backends this request already tried; not null, may be empty
     * @return the choice; null only when {@code tried} holds every backend
     */
    public Choice choose(Collection<URI> tried) {
        Objects.requireNonNull(tried, "tried must not be null");
        Instant now = clock.instant();
        long turn = requests.getAndIncrement();
        // A due probe taken by another thread between the two steps leaves the candidates: look again.
        for (int round = 0; round <= states.size(); round++) {
            List<State> candidates = new ArrayList<>(rotation.size());
            for (State state : rotation) {
                if (!tried.contains(state.backend) && state.isCandidate(now)) {
                    candidates.add(state);
                }
            }
            if (candidates.isEmpty()) {
                break;
            }
            State chosen = candidates.get((int) Math.floorMod(turn, (long) candidates.size()));
            Admission admission = chosen.admit(now);
            if (admission != null) {
                if (admission == Admission.PROBE) {
                    LOG.info("probing backend backend={}", chosen.backend);
                }
                return new Choice(chosen.backend, admission);
            }
        }
        List<State> untried = new ArrayList<>(rotation.size());
        for (State state : rotation) {
            if (!tried.contains(state.backend)) {
                untried.add(state);
            }
        }
        if (untried.isEmpty()) {
            return null;
        }
        State lastResort = untried.get((int) Math.floorMod(turn, (long) untried.size()));
        lastResort.admitAsLastResort();
        return new Choice(lastResort.backend, Admission.LAST_RESORT);
    }

    /**
     * Returns whether {@code tried} leaves a backend that {@link #choose(Collection)} can still return.
     *
     * @param tried the backends a request already tried; not null
     */
    public boolean hasUntried(Collection<URI> tried) {
        Objects.requireNonNull(tried, "tried must not be null");
        return !tried.containsAll(states.keySet());
    }

    /**
     * Reports that an attempt failed before the backend's response started (connection refused, connect
     * timeout, reset or closed before the status line). An up backend goes down for {@code downBackoff};
     * a failed {@link Admission#PROBE probe} doubles the backoff, up to {@code maxDownBackoff}. A failure
     * of an attempt on a backend that is already down (admitted before it went down, or as a last resort)
     * changes nothing.
     *
     * @param choice the failed attempt's choice; not null
     * @param cause  what failed, for the log; may be null
     * @throws IllegalArgumentException when the backend is not one of {@link #backends()}
     */
    public void failed(Choice choice, Throwable cause) {
        State state = state(choice.backend());
        Instant now = clock.instant();
        BackendStatus after;
        boolean wentDown;
        boolean probeFailed = false;
        synchronized (state) {
            wentDown = state.up;
            if (state.up) {
                state.up = false;
                state.failures = 1;
                state.retryAt = now.plus(backoff(1));
            } else if (choice.admission() == Admission.PROBE) {
                state.failures++;
                state.retryAt = now.plus(backoff(state.failures));
                probeFailed = true;
            }
            after = state.status();
        }
        if (wentDown || probeFailed) {
            LOG.warn("{} backend={} failures={} retryInMillis={} cause={}", wentDown ? "backend down" : "probe failed",
                    after.backend(), after.consecutiveFailures(),
                    Duration.between(now, after.retryAt()).toMillis(), describe(cause));
        }
    }

    /**
     * Reports that a backend's response started (the status line arrived): a down backend is up again.
     *
     * @param choice the attempt's choice; not null
     * @throws IllegalArgumentException when the backend is not one of {@link #backends()}
     */
    public void responded(Choice choice) {
        State state = state(choice.backend());
        boolean cameUp;
        synchronized (state) {
            cameUp = !state.up;
            state.up = true;
            state.failures = 0;
            state.retryAt = null;
        }
        if (cameUp) {
            LOG.info("backend up backend={} via={}", state.backend, choice.admission());
        }
    }

    /**
     * Records the outcome of an active health check. A failing check takes the backend out of rotation
     * until a check passes; a passing check also ends a down period (the backend evidently accepts
     * connections again).
     *
     * @param backend one of {@link #backends()}; not null
     * @param ready   whether the check passed (a 2xx answer in time)
     * @param detail  what the check saw, for the log, such as {@code status=503}; may be null
     * @throws IllegalArgumentException when the backend is not one of {@link #backends()}
     */
    public void checked(URI backend, boolean ready, String detail) {
        State state = state(backend);
        boolean changed;
        synchronized (state) {
            changed = state.ready != ready || (ready && !state.up);
            state.ready = ready;
            if (ready) {
                state.up = true;
                state.failures = 0;
                state.retryAt = null;
            }
        }
        if (changed && ready) {
            LOG.info("backend ready backend={} check={}", backend, detail);
        } else if (changed) {
            LOG.warn("backend not ready backend={} check={}", backend, detail);
        }
    }

    /**
     * Returns a snapshot of one backend's health.
     *
     * @param backend one of {@link #backends()}; not null
     * @throws IllegalArgumentException when the backend is not one of {@link #backends()}
     */
    public BackendStatus status(URI backend) {
        State state = state(backend);
        synchronized (state) {
            return state.status();
        }
    }

    /** Returns a snapshot of every distinct backend's health, in rotation order; unmodifiable. */
    public List<BackendStatus> statuses() {
        List<BackendStatus> all = new ArrayList<>(states.size());
        for (State state : states.values()) {
            synchronized (state) {
                all.add(state.status());
            }
        }
        return List.copyOf(all);
    }

    /**
     * A one-line description of a failure for {@code key=value} logs: the exception's simple class name and
     * the start of its message (Jetty's {@code EofException} carries a whole connection dump there, so it
     * is described in words instead).
     */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "null";
        }
        String message = cause.getMessage();
        if (cause instanceof java.io.EOFException) {
            return cause.getClass().getSimpleName() + ": connection closed by the backend";
        }
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        message = message.replaceAll("\\s+", " ");
        return cause.getClass().getSimpleName() + ": " + (message.length() > 120 ? message.substring(0, 120) + "..." : message);
    }

    /** The wait before the probe after {@code failures} consecutive failures: doubling, capped. */
    private Duration backoff(int failures) {
        Duration wait = downBackoff;
        for (int i = 1; i < failures && wait.compareTo(maxDownBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxDownBackoff) > 0 ? maxDownBackoff : wait;
    }

    private State state(URI backend) {
        State state = states.get(Objects.requireNonNull(backend, "backend must not be null"));
        if (state == null) {
            throw new IllegalArgumentException("not a backend of this pool: " + backend);
        }
        return state;
    }

    /** One backend's mutable health; every field is guarded by the instance's lock. */
    private final class State {
        final URI backend;
        boolean up = true;
        boolean ready = true;
        int failures;
        Instant retryAt;
        long attempts;

        State(URI backend) {
            this.backend = backend;
        }

        synchronized boolean isCandidate(Instant now) {
            return ready && (up || !now.isBefore(retryAt));
        }

        /** Admits a request in rotation, or claims the due probe; null when neither. */
        synchronized Admission admit(Instant now) {
            if (!ready) {
                return null;
            }
            if (up) {
                attempts++;
                return Admission.IN_ROTATION;
            }
            if (now.isBefore(retryAt)) {
                return null;
            }
            // The next probe waits for another backoff, even if this one never reports back.
            retryAt = now.plus(backoff(failures));
            attempts++;
            return Admission.PROBE;
        }

        synchronized void admitAsLastResort() {
            attempts++;
        }

        BackendStatus status() {
            return new BackendStatus(backend, up, ready, failures, retryAt, attempts);
        }
    }
}
