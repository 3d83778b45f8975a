package dev.mcpstate.sidecar.redis;

import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.redis.RedisDatabase;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The sidecar's Lua scripts: each is {@code common.lua} followed by the operation's own file. Runs them with
 * {@code EVALSHA}, loading a script again when the server has lost it (restart, {@code SCRIPT FLUSH}).
 * Thread-safe.
 */
final class RedisScripts {

    /** One script per store operation; the file is {@code <name>.lua} next to this class. */
    enum Script {
        KV_SET, KV_GET, KV_DELETE, KV_LIST, STATS,
        WF_CREATE, WF_GET, WF_ALL, WF_CLAIM, WF_CHECKPOINT, WF_FINISH,
        LEASE_ACQUIRE, LEASE_RELEASE, LEASE_RENEW,
        SESSION_SAVE, SESSION_GET, HISTORY, RESET;

        String file() {
            return name().toLowerCase(java.util.Locale.ROOT) + ".lua";
        }
    }

    private final RedisDatabase db;
    private final RedisCommands<String, String> commands;
    private final String[] keys;
    private final Map<Script, String> sources = new EnumMap<>(Script.class);
    private final Map<Script, String> digests = new EnumMap<>(Script.class);

    /**
     * @param db the Redis connection
     * @param keyBase the base every key is built from, passed as {@code KEYS[1]}
     */
    RedisScripts(RedisDatabase db, String keyBase) {
        this.db = db;
        this.commands = db.connection().sync();
        this.keys = new String[] {keyBase};
        String prelude = resource("common.lua");
        for (Script script : Script.values()) {
            String source = prelude + "\n" + resource(script.file());
            sources.put(script, source);
            digests.put(script, commands.digest(source));
        }
    }

    /**
     * Runs a script.
     *
     * @return the script's array reply: strings, longs, nested lists, nulls
     * @throws StoreException when Redis fails
     */
    List<Object> run(Script script, String... args) {
        return db.call("sidecar script " + script.file(), () -> {
            try {
                return commands.evalsha(digests.get(script), ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException e) {
                commands.scriptLoad(sources.get(script));
                return commands.evalsha(digests.get(script), ScriptOutputType.MULTI, keys, args);
            }
        });
    }

    /** @return the base every key is built from */
    String keyBase() {
        return keys[0];
    }

    private static String resource(String name) {
        try (InputStream in = RedisScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
