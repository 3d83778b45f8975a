package dev.mcpstate.store.redis;

import dev.mcpstate.store.StoreException;
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
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one Lua script runner of the Redis backend. A script is the concatenation of {@code .lua} resources next to
 * this class (a prelude of shared functions, then the operation), run by {@code EVALSHA} and sent again with
 * {@code EVAL} when Redis lost its script cache (restart, failover, {@code SCRIPT FLUSH}).
 *
 * <p>Every script touches keys of one hash slot only (one session's {@code {sessionId}} keys, or one sidecar
 * tenant's, or one token bucket), so it runs unchanged on Redis Cluster. On a cluster the {@link #strict()} twin runs:
 * the same text after a {@code #!lua} line, which makes Redis 7 refuse ({@code Script attempted to access keys that do
 * not hash to the same slot}) any key or shard channel of another slot, declared or not — so the contract suites on a
 * cluster prove the rule. Immutable and thread-safe.
 */
final class LuaScript {

    private final String name;
    private final String text;
    private final String sha;
    private final ScriptOutputType type;
    /** The {@code #!lua} twin; this script itself when it is the strict one. */
    private final LuaScript strict;

    private LuaScript(String name, ScriptOutputType type, String text, boolean strict) {
        this.name = name;
        this.type = type;
        this.text = strict ? "#!lua\n" + text : text;
        try {
            this.sha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(this.text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
        this.strict = strict ? this : new LuaScript(name, type, text, true);
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
        return new LuaScript(resources[resources.length - 1], type, text.toString(), false);
    }

    /**
     * @return the same script with a {@code #!lua} first line (Redis 7 and later): on Redis Cluster it may touch keys
     *     and shard channels of one hash slot only, or it fails
     */
    LuaScript strict() {
        return strict;
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
        return await(runAsync(commands, keys, args), timeout, name);
    }

    /**
     * Waits up to {@code timeout} for a script's result, ignoring thread interrupts like {@link #run}.
     *
     * @param name names the script in a timeout's message
     * @throws RedisException when it failed or timed out; a {@link StoreException} it failed with
     *                        as it is
     */
    static <T> T await(CompletableFuture<T> result, Duration timeout, String name) {
        try {
            return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisException redis) {
                throw redis;
            }
            if (cause instanceof StoreException store) {
                throw store;
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

    /**
     * Sends the script and right behind it, on the same connection, a command that must follow its write — {@code
     * WAIT} for replicas — so both take one round trip. When Redis lost the script and it is sent again with {@code
     * EVAL}, the follow-up is sent again after it (the first one went out before the write happened).
     *
     * @param followUp sends the follow-up on {@code commands}; its result checks the write (it may fail the returned
     *                 future by throwing)
     * @return the script's result once the follow-up completed
     */
    <T, F> CompletableFuture<T> runAsyncThen(RedisClusterAsyncCommands<String, String> commands, String[] keys,
            String[] args, Supplier<CompletableFuture<F>> followUp, Consumer<F> check) {
        CompletableFuture<T> first = commands.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        CompletableFuture<F> pipelined = followUp.get();
        return first.handle((result, e) -> {
            if (e == null) {
                return pipelined.thenApply(f -> {
                    check.accept(f);
                    return result;
                });
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (!(cause instanceof RedisNoScriptException)) {
                return CompletableFuture.<T>failedFuture(cause);
            }
            return commands.<T>eval(text, type, keys, args).toCompletableFuture()
                    .thenCompose(again -> followUp.get().thenApply(f -> {
                        check.accept(f);
                        return again;
                    }));
        }).thenCompose(f -> f);
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
