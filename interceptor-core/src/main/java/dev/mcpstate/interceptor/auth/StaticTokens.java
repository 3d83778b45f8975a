package dev.mcpstate.interceptor.auth;

import dev.mcpstate.store.internal.Digests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Static bearer tokens from a file, one per line: {@code <token> <principal> [admin]}. Blank lines and lines
 * starting with {@code #} are ignored; tokens are at least 16 characters. Only SHA-256 digests of the tokens are
 * kept in memory, and lookups compare digests, so a token's text never sits in a map or a log.
 *
 * <pre>
 * # token                               principal   role
 * 3f9d2c0a5b7e4f1a9c8d6e2b0a4f7c1d      team-a
 * 8a1b2c3d4e5f60718293a4b5c6d7e8f9      ops         admin
 * </pre>
 *
 * <p>Immutable and thread-safe; to change tokens, restart with a new file.
 */
public final class StaticTokens implements Authenticator {

    /** Shortest accepted token. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private final Map<String, Caller> callers;

    private StaticTokens(Map<String, Caller> callers) {
        this.callers = Map.copyOf(callers);
    }

    /**
     * @param file the token file; not null
     * @return the tokens it lists
     * @throws UncheckedIOException      when the file cannot be read
     * @throws IllegalArgumentException naming the line number when a line is malformed, a token is shorter than
     *                                  {@value #MIN_TOKEN_LENGTH} characters or listed twice, or the file lists no
     *                                  token
     */
    public static StaticTokens fromFile(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file, e);
        }
    }

    /**
     * @param lines lines in the file's format; not null
     * @return the tokens they list
     * @throws IllegalArgumentException as {@link #fromFile(Path)}
     */
    public static StaticTokens of(List<String> lines) {
        return parse(lines, "tokens");
    }

    private static StaticTokens parse(List<String> lines, String source) {
        Map<String, Caller> callers = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = source + " line " + (i + 1);
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].equals(Caller.ADMIN_ROLE))) {
                throw new IllegalArgumentException(where + ": expected '<token> <principal> [admin]'");
            }
            if (parts[0].length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(where + ": a token must have at least " + MIN_TOKEN_LENGTH
                        + " characters");
            }
            if (callers.put(Digests.sha256Hex(parts[0]), new Caller(parts[1], parts.length == 3)) != null) {
                throw new IllegalArgumentException(where + ": this token is listed twice");
            }
        }
        if (callers.isEmpty()) {
            throw new IllegalArgumentException(source + ": no token listed");
        }
        return new StaticTokens(callers);
    }

    @Override
    public Caller authenticate(String bearerToken) throws Rejected {
        if (bearerToken == null) {
            throw new Rejected("Authentication required: send Authorization: Bearer <token>");
        }
        Caller caller = callers.get(Digests.sha256Hex(bearerToken));
        if (caller == null) {
            throw new Rejected("The access token is not valid");
        }
        return caller;
    }

    @Override
    public String challenge() {
        return "Bearer realm=\"mcp\"";
    }

    /** @return how many tokens are known */
    public int size() {
        return callers.size();
    }

    @Override
    public String toString() {
        return "StaticTokens[" + callers.size() + " tokens]";
    }
}
