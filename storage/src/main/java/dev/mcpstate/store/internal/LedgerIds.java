package dev.mcpstate.store.internal;

import dev.mcpstate.store.RequestStateLedger;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/** The argument checks and the key drawing every {@link RequestStateLedger} backend shares. */
public final class LedgerIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private LedgerIds() {
    }

    /** @return a fresh {@link RequestStateLedger#sharedKey()}: 32 random bytes in base64, 44 characters */
    public static String newSharedKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Checks a claim's arguments.
     *
     * @throws IllegalArgumentException when it is blank or longer than {@link RequestStateLedger#MAX_ID_LENGTH}
     */
    public static void check(String id, Instant expiresAt) {
        Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        Checks.notBlank(id, "id");
        if (id.length() > RequestStateLedger.MAX_ID_LENGTH) {
            throw new IllegalArgumentException("id must be at most " + RequestStateLedger.MAX_ID_LENGTH
                    + " characters, was: " + id.length());
        }
    }
}
