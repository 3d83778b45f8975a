package dev.mcpstate.examples.server;

import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.store.StorageConfig;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Command-line and environment options of the example server. A flag wins over its environment variable, which
 * wins over the default. Immutable.
 *
 * @param host     interface to listen on
 * @param port     TCP port; 0 picks a free one
 * @param store    {@code sqlite}, {@code redis}, or {@code memory} (one process, lost on exit: for measuring the
 *                 filter's own cost and for tests)
 * @param db       SQLite file
 * @param redisUrl Redis URL
 * @param nodeId   this node's id, or null for the host name
 * @param allowReset true to let anonymous callers use {@code sidecar_reset} on the anonymous state
 *                 ({@link SidecarOptions#allowAnonymousReset()}); admin principals may always reset
 * @param help     true when {@code --help} was given
 */
public record ServerOptions(String host, int port, String store, Path db, String redisUrl, String nodeId,
        boolean allowReset, boolean help) {

    /** The usage text printed by {@code --help}. */
    public static final String USAGE = """
            Usage: java -jar examples/target/mcp-state-server.jar [options]

            An MCP server (Streamable HTTP at /mcp) whose sessions and messages mcp-state persists.
            Tools: echo, slow_count, and the 21 state-sidecar tools.

            Options (flag, environment variable, default):
              --host HOST        MCP_STATE_HOST     127.0.0.1        interface to listen on
              --port PORT        MCP_STATE_PORT     8080             TCP port (0 = any free port)
              --store KIND       MCP_STATE_STORE    sqlite           sqlite | redis | memory (not durable)
              --db PATH          MCP_STATE_DB       ./mcp-state.db   SQLite file (store sqlite)
              --redis-url URL    REDIS_URL          redis://127.0.0.1:6379   Redis (store redis)
              --node-id ID       MCP_STATE_NODE_ID  host name        node id, sent in Mcp-State-Node
              --allow-reset      MCP_STATE_ALLOW_RESET  off          anonymous callers may sidecar_reset
                                                                     (the anonymous state; admins always)
              --help                                                 print this text
            """;

    public ServerOptions {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(store, "store must not be null");
        Objects.requireNonNull(db, "db must not be null");
        Objects.requireNonNull(redisUrl, "redisUrl must not be null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, was: " + port);
        }
        if (!store.equals("sqlite") && !store.equals("redis") && !store.equals("memory")) {
            throw new IllegalArgumentException("--store must be sqlite, redis or memory, was: " + store);
        }
    }

    /**
     * @param args command-line arguments; not null
     * @param env  environment variables; not null
     * @return the options
     * @throws IllegalArgumentException naming the flag and value when an option is invalid
     */
    public static ServerOptions parse(String[] args, Map<String, String> env) {
        String host = env.getOrDefault("MCP_STATE_HOST", "127.0.0.1");
        String port = env.getOrDefault("MCP_STATE_PORT", "8080");
        String store = env.getOrDefault("MCP_STATE_STORE", "sqlite");
        String db = env.getOrDefault("MCP_STATE_DB", StorageConfig.DEFAULT_SQLITE_PATH.toString());
        String redisUrl = env.getOrDefault("REDIS_URL", StorageConfig.DEFAULT_REDIS_URL);
        String nodeId = env.get("MCP_STATE_NODE_ID");
        boolean allowReset = parseBoolean("MCP_STATE_ALLOW_RESET", env.getOrDefault("MCP_STATE_ALLOW_RESET", "false"));
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                help = true;
                continue;
            }
            if (flag.equals("--allow-reset")) {
                allowReset = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
                        : "unknown argument: " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = value;
                case "--store" -> store = value.toLowerCase(Locale.ROOT);
                case "--db" -> db = value;
                case "--redis-url" -> redisUrl = value;
                case "--node-id" -> nodeId = value;
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            }
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, was: " + port);
        }
        return new ServerOptions(host, portNumber, store, Path.of(db), redisUrl, nodeId, allowReset, help);
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, was: " + value);
        };
    }

    /** @return the sidecar tools' options these options select: the defaults, and {@link #allowReset()} */
    public SidecarOptions sidecarOptions() {
        return SidecarOptions.builder().allowAnonymousReset(allowReset).build();
    }

    /** @return the storage these options select */
    public StorageConfig storage() {
        return switch (store) {
            case "redis" -> StorageConfig.redis(redisUrl);
            case "memory" -> StorageConfig.inMemory();
            default -> StorageConfig.sqlite(db);
        };
    }

    /** @return where the store lives, for the ready line; passwords redacted */
    public String storeDescription() {
        return storage().toString();
    }
}
