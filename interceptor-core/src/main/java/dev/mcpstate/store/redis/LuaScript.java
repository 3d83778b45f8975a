package dev.mcpstate.store.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A Lua script run by {@code EVALSHA}, falling back to {@code EVAL} when Redis lost its script cache. */
final class LuaScript {

    /** Lua fragment: sets the cleanup expiry {@code ARGV[1]} (milliseconds) on every key in {@code KEYS}. */
    static final String REFRESH_EXPIRY = "for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end\n";

    private final String text;
    private final String sha;
    private final ScriptOutputType type;

    LuaScript(ScriptOutputType type, String text) {
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
     * Runs the script and waits for its result, up to the connection's command timeout. The wait ignores thread
     * interrupts (and restores the flag): a write that Redis may already have applied is never abandoned
     * half-way, which matters because the MCP SDK's Reactor workers get interrupted while they still write.
     *
     * @throws RedisException when the command fails or times out
     */
    <T> T run(StatefulRedisConnection<String, String> connection, String[] keys, String... args) {
        Duration timeout = connection.getTimeout();
        CompletableFuture<T> result = runAsync(connection, keys, args);
        try {
            return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisException redis) {
                throw redis;
            }
            if (cause instanceof TimeoutException) {
                throw new RedisCommandTimeoutException("script timed out after " + timeout.toMillis() + " ms");
            }
            throw new RedisException(cause == null ? e.getMessage() : cause.getMessage(), cause);
        }
    }

    /** Sends the script without waiting, so that many runs share round trips. */
    <T> CompletableFuture<T> runAsync(StatefulRedisConnection<String, String> connection, String[] keys,
            String... args) {
        CompletableFuture<T> first = connection.async().<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return cause instanceof RedisNoScriptException
                    ? connection.async().<T>eval(text, type, keys, args).toCompletableFuture()
                    : CompletableFuture.failedFuture(cause);
        });
    }
}
