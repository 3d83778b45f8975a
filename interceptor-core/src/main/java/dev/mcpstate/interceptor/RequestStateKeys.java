package dev.mcpstate.interceptor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The HMAC keys that seal and open {@code requestState} (MCP spec 2026-07-28, "Multi Round-Trip Requests": state
 * that passes through the client must be integrity-protected), shared by every node so that any node opens state
 * another node minted. A rotation keeps two: the {@linkplain #current() current} key seals and opens, the
 * {@linkplain #previous() previous} one only opens — state minted before the rotation stays valid until it expires.
 *
 * <p>A key is the UTF-8 bytes of a secret text of at least {@value #MIN_LENGTH} characters (e.g. 32 random bytes in
 * base64). Immutable and thread-safe; {@link #toString()} shows no key.
 */
public final class RequestStateKeys {

    /** Shortest key text accepted: 32 characters, so at least 256 bits when they are random bytes in base64. */
    public static final int MIN_LENGTH = 32;

    private final byte[] current;
    private final byte[] previous;

    private RequestStateKeys(byte[] current, byte[] previous) {
        this.current = current;
        this.previous = previous;
    }

    /**
     * @param current the key that seals; at least {@value #MIN_LENGTH} characters; not null
     * @return keys without a previous one
     * @throws IllegalArgumentException when the key is too short
     */
    public static RequestStateKeys of(String current) {
        return new RequestStateKeys(key(current, "current"), null);
    }

    /**
     * Parses the form of the example servers' {@code --request-state-key}: {@code CURRENT} or
     * {@code CURRENT,PREVIOUS}.
     *
     * @param text not null
     * @return the keys
     * @throws IllegalArgumentException when a key is too short or there are more than two
     */
    public static RequestStateKeys parse(String text) {
        String[] parts = Objects.requireNonNull(text, "text must not be null").split(",", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("request-state keys: at most two, the current and the previous one");
        }
        RequestStateKeys keys = of(parts[0].trim());
        return parts.length == 2 ? keys.withPrevious(parts[1].trim()) : keys;
    }

    /**
     * @param previous the key before the last rotation, which still opens state it sealed; at least
     *                 {@value #MIN_LENGTH} characters; not null
     * @return these keys with that previous key
     */
    public RequestStateKeys withPrevious(String previous) {
        return new RequestStateKeys(current, key(previous, "previous"));
    }

    /** @return a copy of the key that seals and opens */
    public byte[] current() {
        return current.clone();
    }

    /** @return a copy of the key that only opens, when there is one */
    public Optional<byte[]> previous() {
        return Optional.ofNullable(previous).map(byte[]::clone);
    }

    private static byte[] key(String text, String which) {
        Objects.requireNonNull(text, which + " key must not be null");
        if (text.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the " + which + " request-state key must have at least " + MIN_LENGTH
                    + " characters, had " + text.length());
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestStateKeys k && Arrays.equals(current, k.current) && Arrays.equals(previous, k.previous);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(current) + Arrays.hashCode(previous);
    }

    @Override
    public String toString() {
        return "RequestStateKeys[current=***" + (previous == null ? "" : ", previous=***") + "]";
    }
}
