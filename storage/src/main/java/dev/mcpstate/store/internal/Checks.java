package dev.mcpstate.store.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The argument checks of every mcp-state configuration builder and store. Each names the field and the rejected
 * value in its {@link IllegalArgumentException} (or {@link NullPointerException} for null). Stateless and
 * thread-safe.
 */
public final class Checks {

    private Checks() {
    }

    /** @return {@code value} when it is not null, not zero and not negative */
    public static Duration positive(Duration value, String field) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was: " + value);
        }
        return value;
    }

    /** @return {@code value} when it is not null and not negative ({@link Duration#ZERO} allowed) */
    public static Duration notNegative(Duration value, String field) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, was: " + value);
        }
        return value;
    }

    /** @return {@code value} when it is not negative (0 allowed) */
    public static int notNegative(int value, String field) {
        return (int) notNegative((long) value, field);
    }

    /** @return {@code value} when it is not negative (0 allowed) */
    public static long notNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative, was: " + value);
        }
        return value;
    }

    /** @return {@code value} when it is at least {@code min} */
    public static int atLeast(int value, int min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", was: " + value);
        }
        return value;
    }

    /** @return {@code value} when it is at least {@code min} */
    public static long atLeast(long value, long min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", was: " + value);
        }
        return value;
    }

    /** @return {@code value} when it is positive */
    public static int positive(int value, String field) {
        return atLeast(value, 1, field);
    }

    /** @return {@code value} when it is not null and not blank */
    public static String notBlank(String value, String field) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    /** @return {@code value} when it is not null and holds at least one element */
    public static <T> List<T> notEmpty(List<T> value, String field) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        return value;
    }
}
