package dev.mcpstate.demo.prreview;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How fast the reviewer agents work and how soon a crashed one is replaced. Immutable.
 *
 * <p>An agent claims a run with a claim lease of {@code claimTtl}, which each checkpoint (one per file) renews, and
 * holds the run's review-slot lease of {@code leaseTtl}, which it renews every third of that. After a crash the
 * claim lapses within {@code claimTtl} and a waiting agent claims the run; the slot lease has lapsed by then because
 * {@code leaseTtl + fileDelay <= claimTtl}.
 *
 * @param claimTtl  the claim lease ({@code workflow_claim}'s {@code lease_ttl_seconds}); at least 200 ms
 * @param leaseTtl  the review-slot lease ({@code lease_acquire}'s {@code ttl_seconds}); at least 100 ms
 * @param fileDelay simulated work per file, so people can watch; 0 or more
 * @param poll      how often a waiting agent looks for runs; 10 ms or more, below {@code claimTtl}
 * @param idleExit  an agent with no open run of its kind for this long exits; 1 s or more
 */
public record AgentTimings(Duration claimTtl, Duration leaseTtl, Duration fileDelay, Duration poll,
        Duration idleExit) {

    /** Watchable defaults: 3 s claim, 2 s slot lease, 700 ms per file, 200 ms polling, exit after 60 s idle. */
    public static final AgentTimings DEFAULTS = new AgentTimings(Duration.ofSeconds(3), Duration.ofSeconds(2),
            Duration.ofMillis(700), Duration.ofMillis(200), Duration.ofSeconds(60));

    /**
     * @throws NullPointerException     for a null duration
     * @throws IllegalArgumentException when a duration is out of range or {@code leaseTtl + fileDelay > claimTtl}
     */
    public AgentTimings {
        Objects.requireNonNull(claimTtl, "claimTtl");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(fileDelay, "fileDelay");
        Objects.requireNonNull(poll, "poll");
        Objects.requireNonNull(idleExit, "idleExit");
        atLeast("claim TTL", claimTtl, Duration.ofMillis(200));
        atLeast("lease TTL", leaseTtl, Duration.ofMillis(100));
        atLeast("file delay", fileDelay, Duration.ZERO);
        atLeast("poll interval", poll, Duration.ofMillis(10));
        atLeast("idle exit", idleExit, Duration.ofSeconds(1));
        if (leaseTtl.plus(fileDelay).compareTo(claimTtl) > 0) {
            throw new IllegalArgumentException("the lease TTL plus the file delay (" + leaseTtl.toMillis() + " + "
                    + fileDelay.toMillis() + " ms) must not exceed the claim TTL (" + claimTtl.toMillis()
                    + " ms), so that a resuming agent finds the review slot free");
        }
        if (poll.compareTo(claimTtl) >= 0) {
            throw new IllegalArgumentException("the poll interval must be shorter than the claim TTL");
        }
    }

    private static void atLeast(String name, Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException("the " + name + " must be at least " + min.toMillis() + " ms, was: "
                    + value.toMillis() + " ms");
        }
    }

    /** @return these timings as agent command-line flags ({@code --claim-ttl-ms 3000 ...}) */
    public List<String> toFlags() {
        return List.of("--claim-ttl-ms", Long.toString(claimTtl.toMillis()),
                "--lease-ttl-ms", Long.toString(leaseTtl.toMillis()),
                "--file-delay-ms", Long.toString(fileDelay.toMillis()),
                "--poll-ms", Long.toString(poll.toMillis()),
                "--idle-exit-ms", Long.toString(idleExit.toMillis()));
    }
}
