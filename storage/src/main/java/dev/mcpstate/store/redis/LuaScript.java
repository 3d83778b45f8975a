package dev.mcpstate.store.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one Lua script runner of the Redis backend. A script is the concatenation of {@code .lua} resources next to
 * this class (a prelude of shared functions, then the operation), run by {@code EVALSHA} and sent again with
 * {@code EVAL} when Redis lost its script cache (restart, failover, {@code SCRIPT FLUSH}).
 *
 * <p>Every script touches keys of one hash slot only (one session's {@code {sessionId}} keys, or one sidecar
 * tenant's), so it runs unchanged on Redis Cluster. Immutable and thread-safe.
 */
final class LuaScript {

    private final String name;
    private final String text;
    private final String sha;
    private final ScriptOutputType type;

    private LuaScript(String name, ScriptOutputType type, String text) {
        this.name = name;
        this.type = type;
        this.text = text;
        try {
            this.sha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    /**
     * Loads a script from resources of this package, concatenated in order.
     *
     * @param type      what the script returns
     * @param resources resource names relative to this package, e.g. {@code store/common.lua}, {@code
     *                  store/append.lua}; the last one names the script in errors
     * @return the script
     * @throws IllegalStateException when a resource is missing
     */
    static LuaScript load(ScriptOutputType type, String... resources) {
        StringBuilder text = new StringBuilder();
        for (String resource : resources) {
            text.append(resource(resource)).append('\n');
        }
        return new LuaScript(resources[resources.length - 1], type, text.toString());
    }

    /** @return the name of the script's own resource, for errors and logs */
    String name() {
        return name;
    }

    /**
     * Runs the script and waits for its result, up to {@code timeout}. The wait ignores thread interrupts (and
     * restores the flag): a write that Redis may already have applied is never abandoned half-way, which matters
     * because the MCP SDK's Reactor workers get interrupted while they still write.
     *
     * @throws RedisException when the command fails or times out
     */
    <T> T run(RedisClusterAsyncCommands<String, String> commands, Duration timeout, String[] keys, String... args) {
        CompletableFuture<T> result = runAsync(commands, keys, args);
        try {
            return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisException redis) {
                throw redis;
            }
            if (cause instanceof TimeoutException) {
                throw new RedisCommandTimeoutException("script " + name + " timed out after " + timeout.toMillis()
                        + " ms");
            }
            throw new RedisException(cause == null ? e.getMessage() : cause.getMessage(), cause);
        }
    }

    /** Sends the script without waiting, so that many runs share round trips. */
    <T> CompletableFuture<T> runAsync(RedisClusterAsyncCommands<String, String> commands, String[] keys,
            String... args) {
        CompletableFuture<T> first = commands.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return cause instanceof RedisNoScriptException
                    ? commands.<T>eval(text, type, keys, args).toCompletableFuture()
                    : CompletableFuture.failedFuture(cause);
        });
    }

    private static String resource(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
