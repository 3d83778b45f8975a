package dev.mcpstate.store;

import java.time.Instant;

/**
 * The single-use ledger of {@code requestState} (MCP spec 2026-07-28, "Multi Round-Trip Requests", server
 * requirements: "Servers for which a given {@code requestState} must be consumed at most once … MUST enforce that
 * invariant server-side"). An integrity-protected state proves who minted it and until when it is valid, but not
 * that it was not presented before; this ledger remembers which single-use states were consumed, in the store every
 * node shares, so a state consumed on one node is refused on every other.
 *
 * <p>A use is remembered until {@code expiresAt} (the state's own expiry: after it the state is refused anyway) and
 * may be forgotten after that (Redis: key expiry; SQLite and memory: deleted by later claims). Times are read from
 * the clock the {@link Storage} was opened with.
 *
 * <p>Thread-safe. Every claim is atomic across all nodes and threads sharing the backend: of {@code N} concurrent
 * claims of one id exactly one returns true.
 */
public interface RequestStateLedger {

    /** Longest id a claim accepts, in characters (a hex SHA-256 digest has 64). */
    int MAX_ID_LENGTH = 128;

    /**
     * Consumes a single-use state: the first claim of {@code id} that is not yet expired wins.
     *
     * @param id        names the state, e.g. a digest of the sealed {@code requestState}; non-blank, at most
     *                  {@value #MAX_ID_LENGTH} characters; not null
     * @param expiresAt until when the use is remembered; a time not after the store's clock's now consumes nothing
     *                  and returns false (an expired state is never valid); not null
     * @return true when this call consumed the state, false when it was consumed before (on any node) or has expired
     * @throws IllegalArgumentException when {@code id} is blank or too long
     * @throws StoreException           when the store cannot be reached or the write fails
     */
    boolean claim(String id, Instant expiresAt);

    /**
     * The key that seals {@code requestState} when the nodes are given none: drawn at random (32 bytes from a
     * {@link java.security.SecureRandom}, in base64: 44 characters) by the first call on any node and kept in the
     * store, so every node sharing the backend gets the same one, and state minted on one node opens on every other.
     * It is kept until the store loses it (a Redis without persistence restarted, the SQLite file replaced); then
     * state sealed with the old one is refused, as after a rotation without a previous key. Whoever can read the
     * store can read it, as they can the sessions and events; a key given in the configuration is never stored.
     *
     * @return the key text, at least 32 characters; the same on every call and on every instance of the backend
     * @throws StoreException when the store cannot be reached or the write fails
     */
    String sharedKey();
}
