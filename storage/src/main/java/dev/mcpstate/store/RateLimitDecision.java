package dev.mcpstate.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one {@link RateLimitStore#take}. Immutable.
 *
 * @param allowed        true when a token was taken: the request may go on; false when the bucket held less than
 *                       one token (nothing was taken)
 * @param remaining      whole tokens left in the bucket after this take; 0 to {@code capacity - 1}
 * @param untilNextToken how long until the bucket holds a whole token again: {@link Duration#ZERO} when it holds
 *                       one now ({@code remaining > 0}), else positive, in whole milliseconds. A take after waiting
 *                       this long (and with no other take in between) is allowed. Never null
 */
public record RateLimitDecision(boolean allowed, int remaining, Duration untilNextToken) {

    public RateLimitDecision {
        Objects.requireNonNull(untilNextToken, "untilNextToken must not be null");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must not be negative, was: " + remaining);
        }
        if (untilNextToken.isNegative() || (remaining > 0) != untilNextToken.isZero()) {
            throw new IllegalArgumentException("untilNextToken must be zero exactly when remaining > 0, was: "
                    + untilNextToken + " with remaining " + remaining);
        }
    }
}
