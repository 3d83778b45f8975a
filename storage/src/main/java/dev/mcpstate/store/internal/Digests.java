package dev.mcpstate.store.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 helper of mcp-state: token digests, requestState ledger ids, the demo's PR ids. Thread-safe. */
public final class Digests {

    private Digests() {
    }

    /**
     * @param text any text; not null
     * @return the SHA-256 of its UTF-8 bytes as 64 lower-case hex digits
     */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
