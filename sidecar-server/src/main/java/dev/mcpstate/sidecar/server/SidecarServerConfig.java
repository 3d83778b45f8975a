package dev.mcpstate.sidecar.server;

import dev.mcpstate.interceptor.ops.LogFormat;
import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.store.StorageConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Configuration of the standalone server, read from environment variables and then command-line flags
 * (a flag wins over its variable). Immutable.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>variable</th><th>flag</th><th>default</th></tr>
 *   <tr><td>STATE_BACKEND</td><td>--backend sqlite|redis</td><td>sqlite</td></tr>
 *   <tr><td>DB_PATH</td><td>--db PATH</td><td>state_sidecar.db</td></tr>
 *   <tr><td>REDIS_URL</td><td>--redis-url URL</td><td>redis://localhost:6379</td></tr>
 *   <tr><td>REDIS_CLUSTER</td><td>--redis-cluster HOST:PORT,...</td><td>none (one Redis at REDIS_URL)</td></tr>
 *   <tr><td>REDIS_KEY_PREFIX</td><td>--redis-key-prefix P</td><td>mcp</td></tr>
 *   <tr><td>SIDECAR_HOST</td><td>--host HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>SIDECAR_PORT</td><td>--port PORT</td><td>8000</td></tr>
 *   <tr><td>SIDECAR_MAX_VALUE_BYTES</td><td>--max-value-bytes N</td><td>1048576</td></tr>
 *   <tr><td>SIDECAR_ALLOW_RESET</td><td>--allow-reset</td><td>off</td></tr>
 *   <tr><td>SIDECAR_AUTH_TOKENS</td><td>--auth-tokens FILE</td><td>none (anonymous callers)</td></tr>
 *   <tr><td>SIDECAR_ALLOWED_HOSTS</td><td>--allowed-hosts H,...</td><td>none (loopback names and IP literals
 *       only)</td></tr>
 *   <tr><td>SIDECAR_ALLOWED_ORIGINS</td><td>--allowed-origins O,...</td><td>none (loopback origins only)</td></tr>
 *   <tr><td>MCP_STATE_LOG_FORMAT</td><td>--log-format text|json</td><td>text ({@link LogFormat}, applied by
 *       {@link SidecarMain} before logging starts)</td></tr>
 *   <tr><td></td><td>--stdio</td><td>off (HTTP)</td></tr>
 * </table>
 *
 * <p>{@code REDIS_CLUSTER} ({@code --redis-cluster}) names seeds of a Redis Cluster, {@code host:port} or
 * {@code redis://} URIs separated by commas; it implies {@code STATE_BACKEND=redis} and replaces {@code REDIS_URL}
 * ({@link StorageConfig#redisCluster(java.util.List)}).
 *
 * <p>{@code --allow-reset} ({@code SIDECAR_ALLOW_RESET=true}) lets anonymous callers — every caller of a sidecar
 * without authentication, and every stdio caller — use {@code sidecar_reset}, which then wipes the anonymous
 * tenant ({@link SidecarOptions#allowAnonymousReset()}); without it they are refused. Admin principals may always
 * reset, and their reset wipes every tenant. The variable takes {@code true}/{@code false} (also {@code 1}/{@code 0},
 * {@code yes}/{@code no}), the flag {@code --allow-reset} or {@code --allow-reset=true|false}.
 *
 * @param storage where state is kept
 * @param host the interface the HTTP server binds
 * @param port the HTTP port; 0 picks a free one
 * @param stdio true to serve over stdin/stdout instead of HTTP
 * @param help true when {@code --help} was given
 * @param options tool input limits
 * @param authTokens the static bearer token file ({@code <token> <principal> [admin]} per line), or null for no
 *                   authentication; with one, every HTTP request needs a listed token (else 401) and the tools run
 *                   on the token's principal's tenant
 * @param allowedHosts   {@code Host} names served besides loopback names and IP literals (a sidecar reached under a
 *                       DNS name lists it; {@code *} turns the check off); others get {@code 403}; not null
 * @param allowedOrigins browser {@code Origin}s allowed besides loopback ones; not null
 */
public record SidecarServerConfig(StorageConfig storage, String host, int port, boolean stdio, boolean help,
        SidecarOptions options, Path authTokens, Set<String> allowedHosts, Set<String> allowedOrigins) {

    public static final String DEFAULT_DB_PATH = "state_sidecar.db";
    public static final String DEFAULT_REDIS_URL = "redis://localhost:6379";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    /** The path the MCP endpoint is served at. */
    public static final String MCP_PATH = "/mcp";

    public static final String USAGE = """
            Usage: java -jar mcp-state-sidecar.jar [options]

            Serves the mcp-state sidecar tools (key-value, workflows, leases, sessions, history) over
            Streamable HTTP at http://HOST:PORT/mcp, or over stdin/stdout with --stdio.

            Options (each overrides its environment variable):
              --backend sqlite|redis   STATE_BACKEND            storage backend (default sqlite)
              --db PATH                DB_PATH                  SQLite file (default state_sidecar.db)
              --redis-url URL          REDIS_URL                Redis URL (default redis://localhost:6379)
              --redis-cluster H:P,...  REDIS_CLUSTER            Redis Cluster seeds instead of one Redis
              --redis-key-prefix P     REDIS_KEY_PREFIX         Redis key prefix (default mcp)
              --host HOST              SIDECAR_HOST             HTTP bind address (default 127.0.0.1)
              --port PORT              SIDECAR_PORT             HTTP port, 0 = any free (default 8000)
              --max-value-bytes N      SIDECAR_MAX_VALUE_BYTES  largest JSON value (default 1048576)
              --allow-reset            SIDECAR_ALLOW_RESET      let anonymous callers (no authentication, or
                                                                stdio) reset the anonymous state (default off;
                                                                admin principals may always reset everything)
              --auth-tokens FILE       SIDECAR_AUTH_TOKENS      bearer tokens, one '<token> <principal> [admin]'
                                                                per line; then every request needs one (HTTP)
              --allowed-hosts H,...    SIDECAR_ALLOWED_HOSTS    Host names served besides loopback and IP
                                                                literals (others get 403; * = any)
              --allowed-origins O,...  SIDECAR_ALLOWED_ORIGINS  browser origins allowed besides loopback ones
              --log-format F           MCP_STATE_LOG_FORMAT     text | json: one JSON object per log line
                                                                (stderr; default text)
              --stdio                                           serve MCP over stdin/stdout
              --help                                            print this help
            """;

    public SidecarServerConfig {
        Objects.requireNonNull(storage, "storage must not be null");
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(options, "options must not be null");
        allowedHosts = Set.copyOf(Objects.requireNonNull(allowedHosts, "allowedHosts must not be null"));
        allowedOrigins = Set.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins must not be null"));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was: " + port);
        }
    }

    /**
     * @param env environment variables (e.g. {@code System.getenv()}); not null
     * @param args command-line arguments; not null
     * @return the configuration
     * @throws IllegalArgumentException with a plain message on an unknown flag or a bad value
     */
    public static SidecarServerConfig parse(Map<String, String> env, String... args) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (String name : new String[] {"STATE_BACKEND", "DB_PATH", "REDIS_URL", "REDIS_CLUSTER", "REDIS_KEY_PREFIX",
                "SIDECAR_HOST", "SIDECAR_PORT", "SIDECAR_MAX_VALUE_BYTES", "SIDECAR_ALLOW_RESET", "SIDECAR_AUTH_TOKENS",
                "SIDECAR_ALLOWED_HOSTS", "SIDECAR_ALLOWED_ORIGINS", LogFormat.ENV}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                settings.put(name, value.trim());
            }
        }
        boolean stdio = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String inlineValue = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                inlineValue = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            switch (flag) {
                case "--stdio" -> stdio = true;
                case "--allow-reset" -> settings.put("SIDECAR_ALLOW_RESET", inlineValue == null ? "true" : inlineValue);
                case "--help", "-h" -> help = true;
                default -> {
                    String variable = variableOf(flag);
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(flag + " needs a value");
                        }
                        value = args[++i];
                    }
                    settings.put(variable, value);
                }
            }
        }
        if (settings.containsKey(LogFormat.ENV)) {
            LogFormat.parse(settings.get(LogFormat.ENV)); // applied before logging starts (SidecarMain)
        }
        return new SidecarServerConfig(storage(settings), settings.getOrDefault("SIDECAR_HOST", DEFAULT_HOST),
                intSetting(settings, "SIDECAR_PORT", DEFAULT_PORT), stdio, help,
                SidecarOptions.builder()
                        .maxValueBytes(intSetting(settings, "SIDECAR_MAX_VALUE_BYTES",
                                SidecarOptions.DEFAULT_MAX_VALUE_BYTES))
                        .allowAnonymousReset(booleanSetting(settings, "SIDECAR_ALLOW_RESET"))
                        .build(),
                settings.containsKey("SIDECAR_AUTH_TOKENS") ? Path.of(settings.get("SIDECAR_AUTH_TOKENS")) : null,
                names(settings.get("SIDECAR_ALLOWED_HOSTS")), names(settings.get("SIDECAR_ALLOWED_ORIGINS")));
    }

    private static Set<String> names(String commaSeparated) {
        return commaSeparated == null ? Set.of() : Arrays.stream(commaSeparated.split(",")).map(String::trim)
                .filter(v -> !v.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static String variableOf(String flag) {
        return switch (flag) {
            case "--backend" -> "STATE_BACKEND";
            case "--db" -> "DB_PATH";
            case "--redis-url" -> "REDIS_URL";
            case "--redis-cluster" -> "REDIS_CLUSTER";
            case "--redis-key-prefix" -> "REDIS_KEY_PREFIX";
            case "--host" -> "SIDECAR_HOST";
            case "--port" -> "SIDECAR_PORT";
            case "--max-value-bytes" -> "SIDECAR_MAX_VALUE_BYTES";
            case "--auth-tokens" -> "SIDECAR_AUTH_TOKENS";
            case "--allowed-hosts" -> "SIDECAR_ALLOWED_HOSTS";
            case "--allowed-origins" -> "SIDECAR_ALLOWED_ORIGINS";
            case LogFormat.FLAG -> LogFormat.ENV;
            default -> throw new IllegalArgumentException("unknown option: " + flag + " (see --help)");
        };
    }

    private static StorageConfig storage(Map<String, String> settings) {
        String cluster = settings.get("REDIS_CLUSTER");
        String backend = settings.getOrDefault("STATE_BACKEND", cluster == null ? "sqlite" : "redis")
                .toLowerCase(Locale.ROOT);
        if (cluster != null && !backend.equals("redis")) {
            throw new IllegalArgumentException("REDIS_CLUSTER / --redis-cluster needs STATE_BACKEND redis, was: "
                    + backend);
        }
        StorageConfig.Builder builder = switch (backend) {
            case "sqlite" -> StorageConfig.sqlite(Path.of(settings.getOrDefault("DB_PATH", DEFAULT_DB_PATH)))
                    .toBuilder();
            case "redis" -> cluster != null ? StorageConfig.redisCluster(StorageConfig.seedList(cluster)).toBuilder()
                    : StorageConfig.redis(settings.getOrDefault("REDIS_URL", DEFAULT_REDIS_URL)).toBuilder();
            default -> throw new IllegalArgumentException(
                    "STATE_BACKEND / --backend must be sqlite or redis, was: " + backend);
        };
        String prefix = settings.get("REDIS_KEY_PREFIX");
        return prefix == null ? builder.build() : builder.redisKeyPrefix(prefix).build();
    }

    private static int intSetting(Map<String, String> settings, String name, int defaultValue) {
        String value = settings.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was: " + value);
        }
    }

    private static boolean booleanSetting(Map<String, String> settings, String name) {
        String value = settings.get(name);
        if (value == null) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, was: " + value);
        };
    }

    /** @return the backend for the ready line, e.g. {@code sqlite:state_sidecar.db}; passwords redacted */
    public String backendDescription() {
        return storage.toString();
    }
}
