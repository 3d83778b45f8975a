package dev.mcpstate.examples.server;

import dev.mcpstate.store.StorageConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * @param storeTimeout longest wait for one store command ({@link StorageConfig#commandTimeout()}); positive
 * @param help     true when {@code --help} was given
 */
public record ServerOptions(String host, int port, String store, Path db, String redisUrl, String nodeId,
        Duration storeTimeout, boolean help) {

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
              --store-timeout T  MCP_STATE_STORE_TIMEOUT   2s      longest wait for one store command
                                                                 (e.g. 2s, 500ms); then 503 (Redis)
              --help                                                 print this text
            """;

    private static final Pattern TIMEOUT = Pattern.compile("(\\d{1,9})(ms|s)?");

    public ServerOptions {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(store, "store must not be null");
        Objects.requireNonNull(db, "db must not be null");
        Objects.requireNonNull(redisUrl, "redisUrl must not be null");
        Objects.requireNonNull(storeTimeout, "storeTimeout must not be null");
        if (storeTimeout.isNegative() || storeTimeout.isZero()) {
            throw new IllegalArgumentException("--store-timeout must be positive, was: " + storeTimeout);
        }
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
        String storeTimeout = env.getOrDefault("MCP_STATE_STORE_TIMEOUT",
                StorageConfig.DEFAULT_COMMAND_TIMEOUT.toMillis() + "ms");
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                help = true;
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
                case "--store-timeout" -> storeTimeout = value;
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            }
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, was: " + port);
        }
        return new ServerOptions(host, portNumber, store, Path.of(db), redisUrl, nodeId, timeout(storeTimeout),
                help);
    }

    /** @return {@code 2s}, {@code 500ms} or {@code 500} (milliseconds) as a duration */
    private static Duration timeout(String text) {
        Matcher m = TIMEOUT.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("--store-timeout must be a positive time like 2s or 500ms, was: "
                    + text);
        }
        long n = Long.parseLong(m.group(1));
        return "s".equals(m.group(2)) ? Duration.ofSeconds(n) : Duration.ofMillis(n);
    }

    /** @return the storage these options select, with the store timeout */
    public StorageConfig storage() {
        StorageConfig config = switch (store) {
            case "redis" -> StorageConfig.redis(redisUrl);
            case "memory" -> StorageConfig.inMemory();
            default -> StorageConfig.sqlite(db);
        };
        return config.toBuilder().commandTimeout(storeTimeout).build();
    }

    /** @return where the store lives, for the ready line; passwords redacted */
    public String storeDescription() {
        return storage().toString();
    }
}
