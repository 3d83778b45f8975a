package dev.mcpstate.store.internal;

import dev.mcpstate.store.RequestStateLedger;

import java.time.Instant;
import java.util.Objects;

/** The argument checks every {@link RequestStateLedger} backend shares. */
public final class LedgerIds {

    private LedgerIds() {
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
