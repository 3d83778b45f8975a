package dev.mcpstate.examples.server;

import dev.mcpstate.interceptor.InterceptorConfig;
import dev.mcpstate.interceptor.RequestStateKeys;
import dev.mcpstate.interceptor.auth.Authenticator;
import dev.mcpstate.interceptor.auth.JwtAuthenticator;
import dev.mcpstate.interceptor.auth.StaticTokens;
import dev.mcpstate.interceptor.ops.LogFormat;
import dev.mcpstate.sidecar.SidecarOptions;
import dev.mcpstate.store.StorageConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
 * @param redis    Redis Cluster seeds and waiting for replicas; not null
 * @param nodeId   this node's id, or null for the host name
 * @param security who may call the server: token file or OAuth issuer, allowed hosts and origins
 * @param rateLimit      requests per second per caller (principal, else client address) over all nodes sharing the
 *                       store; 0 = off
 * @param rateLimitBurst requests a caller may send at once; at least 1 when {@code rateLimit} is on (default: the
 *                       rate), 0 when it is off
 * @param storeTimeout longest wait for one store command ({@link StorageConfig#commandTimeout()}); positive
 * @param allowReset true to let anonymous callers use {@code sidecar_reset} on the anonymous state
 *                 ({@link SidecarOptions#allowAnonymousReset()}); admin principals may always reset
 * @param help     true when {@code --help} was given
 * @param requestStateKeys the keys that seal {@code requestState} of protocol 2026-07-28 ({@code CURRENT[,PREVIOUS]}),
 *                 the same on every node; null for the key the store keeps for every node
 * @param retention how long sessions, events and closed streams are kept; not null
 */
public record ServerOptions(String host, int port, String store, Path db, String redisUrl, Redis redis,
        String nodeId, Security security, int rateLimit, int rateLimitBurst, Duration storeTimeout, boolean allowReset,
        boolean help, RequestStateKeys requestStateKeys, Retention retention) {

    /**
     * What the store keeps, and for how long ({@link StorageConfig}).
     *
     * @param sessionIdleTtl     idle time after which a session expires; positive
     * @param eventMaxAge        age after which events are trimmed; positive
     * @param closedStreamMaxAge time a closed stream stays replayable; positive
     */
    public record Retention(Duration sessionIdleTtl, Duration eventMaxAge, Duration closedStreamMaxAge) {

        /** The store's defaults: 1 h, 24 h, 10 min. */
        public static final Retention DEFAULT = new Retention(StorageConfig.DEFAULT_SESSION_IDLE_TTL,
                StorageConfig.DEFAULT_EVENT_MAX_AGE, StorageConfig.DEFAULT_CLOSED_STREAM_MAX_AGE);

        public Retention {
            Objects.requireNonNull(sessionIdleTtl, "sessionIdleTtl must not be null");
            Objects.requireNonNull(eventMaxAge, "eventMaxAge must not be null");
            Objects.requireNonNull(closedStreamMaxAge, "closedStreamMaxAge must not be null");
        }

        StorageConfig applyTo(StorageConfig config) {
            return config.toBuilder().sessionIdleTtl(sessionIdleTtl).eventMaxAge(eventMaxAge)
                    .closedStreamMaxAge(closedStreamMaxAge).build();
        }
    }

    /**
     * Redis Cluster and replicas, for {@code --store redis}.
     *
     * @param clusterSeeds {@code host:port} (or {@code redis://} URI) seeds of a Redis Cluster, used instead of the
     *                     Redis URL; empty for one Redis
     * @param waitReplicas replicas each durable write waits for ({@link StorageConfig#waitReplicas()}); 0 for none
     * @param waitTimeout  the longest wait for them; positive
     * @param nodeDeadAfter the silence after which another node counts this one as dead
     *                     ({@link InterceptorConfig#nodeDeadAfter()}): longer than the 1 s heartbeat; null for the
     *                     filter settings' own
     */
    public record Redis(List<String> clusterSeeds, int waitReplicas, Duration waitTimeout, Duration nodeDeadAfter) {

        /** One Redis, no waiting for replicas, the filter's dead-after. */
        public static final Redis STANDALONE = new Redis(List.of(), 0, StorageConfig.DEFAULT_WAIT_TIMEOUT, null);

        public Redis {
            clusterSeeds = List.copyOf(clusterSeeds);
            Objects.requireNonNull(waitTimeout, "waitTimeout must not be null");
            if (waitReplicas < 0) {
                throw new IllegalArgumentException("--redis-wait-replicas must be 0 or more, was: " + waitReplicas);
            }
            if (nodeDeadAfter != null && nodeDeadAfter.compareTo(InterceptorConfig.DEFAULT_HEARTBEAT_INTERVAL) <= 0) {
                throw new IllegalArgumentException("--node-dead-after must be longer than the heartbeat ("
                        + InterceptorConfig.DEFAULT_HEARTBEAT_INTERVAL.toMillis() + " ms), was: "
                        + nodeDeadAfter.toMillis() + " ms");
            }
            if (!clusterSeeds.isEmpty()) {
                StorageConfig.redisCluster(clusterSeeds); // each seed host:port or a URI, else it throws now
            }
        }

        /** @return Redis storage: the cluster, else the one Redis at {@code redisUrl}; waiting for the replicas */
        StorageConfig applyTo(String redisUrl, Duration commandTimeout) {
            StorageConfig.Builder config = (clusterSeeds.isEmpty() ? StorageConfig.redis(redisUrl)
                    : StorageConfig.redisCluster(clusterSeeds)).toBuilder().commandTimeout(commandTimeout);
            return (waitReplicas > 0 ? config.waitReplicas(waitReplicas, waitTimeout) : config).build();
        }
    }

    /**
     * Who may call the server.
     *
     * @param authTokens     static bearer token file ({@code <token> <principal> [admin]} per line), or null
     * @param oauthIssuer    OAuth issuer whose JWT access tokens are accepted, or null
     * @param oauthJwksUrl   the issuer's JWKS URL; required with an issuer
     * @param oauthAudience  the {@code aud} tokens must carry, or null for the public URL
     * @param publicUrl      the server's public MCP URL (its OAuth resource identifier), or null for the local one
     * @param allowedHosts   {@code Host} names allowed besides loopback ones; not null
     * @param allowedOrigins browser origins allowed besides loopback ones; not null
     */
    public record Security(Path authTokens, String oauthIssuer, String oauthJwksUrl, String oauthAudience,
            String publicUrl, Set<String> allowedHosts, Set<String> allowedOrigins) {

        /** No authentication, loopback hosts and origins only. */
        public static final Security NONE = new Security(null, null, null, null, null, Set.of(), Set.of());

        public Security {
            allowedHosts = Set.copyOf(allowedHosts);
            allowedOrigins = Set.copyOf(allowedOrigins);
            if (authTokens != null && oauthIssuer != null) {
                throw new IllegalArgumentException("--auth-tokens and --oauth-issuer exclude each other");
            }
            if ((oauthIssuer == null) != (oauthJwksUrl == null)) {
                throw new IllegalArgumentException("--oauth-issuer and --oauth-jwks-url go together");
            }
        }

        /**
         * @param localUrl the server's own MCP URL, the resource identifier when no public URL is set
         * @return the authenticator these options select, or null for none
         * @throws IllegalArgumentException when the token file is malformed
         */
        public Authenticator authenticator(URI localUrl) {
            if (authTokens != null) {
                return StaticTokens.fromFile(authTokens);
            }
            if (oauthIssuer == null) {
                return null;
            }
            return JwtAuthenticator.builder().issuer(URI.create(oauthIssuer)).jwksUrl(URI.create(oauthJwksUrl))
                    .resource(publicUrl == null ? localUrl : URI.create(publicUrl)).audience(oauthAudience).build();
        }

        /** @return the filter settings with these options applied */
        public InterceptorConfig.Builder applyTo(InterceptorConfig.Builder config, URI localUrl) {
            return config.authenticator(authenticator(localUrl)).allowedHosts(allowedHosts)
                    .allowedOrigins(allowedOrigins);
        }
    }

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
              --redis-cluster H:P,...
                                 MCP_STATE_REDIS_CLUSTER  none       Redis Cluster seeds instead of one Redis
                                                                     (implies store redis)
              --redis-wait-replicas N
                                 MCP_STATE_REDIS_WAIT_REPLICAS  0    replicas each durable write waits for
                                                                     (WAIT N); fewer in time: the request gets 503
              --redis-wait-timeout T
                                 MCP_STATE_REDIS_WAIT_TIMEOUT  500ms longest wait for them
              --node-id ID       MCP_STATE_NODE_ID  host name        node id, sent in Mcp-State-Node
              --node-dead-after T
                                 MCP_STATE_NODE_DEAD_AFTER  5s       silence after which the other nodes count this
                                                                     one dead (its resumed streams end with -32005)
              --auth-tokens FILE MCP_STATE_AUTH_TOKENS  none         bearer tokens, '<token> <principal> [admin]'
              --oauth-issuer URL MCP_STATE_OAUTH_ISSUER none         accept this issuer's JWT access tokens
              --oauth-jwks-url URL MCP_STATE_OAUTH_JWKS_URL none     the issuer's signing keys (with --oauth-issuer)
              --oauth-audience A MCP_STATE_OAUTH_AUDIENCE public URL the aud tokens must carry
              --public-url URL   MCP_STATE_PUBLIC_URL  local URL     the server's public MCP URL (OAuth resource)
              --allowed-hosts H,..  MCP_STATE_ALLOWED_HOSTS  none    Host names besides localhost and IP literals
              --allowed-origins O,.. MCP_STATE_ALLOWED_ORIGINS none  browser origins besides loopback ones
              --rate-limit N[/s] MCP_STATE_RATE_LIMIT  0 (off)     requests per second per caller (principal,
                                                                     else address), all nodes together; more get 429
              --rate-limit-burst B
                                 MCP_STATE_RATE_LIMIT_BURST  N        requests a caller may send at once
              --allow-reset      MCP_STATE_ALLOW_RESET  off          anonymous callers may sidecar_reset
                                                                     (the anonymous state; admins always)
              --store-timeout T  MCP_STATE_STORE_TIMEOUT   2s      longest wait for one store command
              --session-ttl T    MCP_STATE_SESSION_TTL     1h      idle time after which a session expires
              --event-max-age T  MCP_STATE_EVENT_MAX_AGE   24h     age after which events are trimmed
              --closed-stream-max-age T
                                 MCP_STATE_CLOSED_STREAM_MAX_AGE  10m  time a closed stream stays replayable
                                                                     (times: 500ms, 30s, 10m, 2h; a bare number: ms)
              --log-format F     MCP_STATE_LOG_FORMAT  text          text | json (one JSON object per log line)
              --request-state-key K[,PREVIOUS]
                                 MCP_STATE_REQUEST_STATE_KEY  stored  HMAC key(s) of requestState (protocol
                                                                 2026-07-28), at least 32 characters; the same
                                                                 on every node; PREVIOUS still opens after a rotation
                                                                 (default: a random key kept in the store)
              --help                                                 print this text
            """;

    private static final Pattern TIMEOUT = Pattern.compile("(\\d{1,9})(ms|s)?");

    public ServerOptions {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(store, "store must not be null");
        Objects.requireNonNull(db, "db must not be null");
        Objects.requireNonNull(redisUrl, "redisUrl must not be null");
        Objects.requireNonNull(redis, "redis must not be null");
        Objects.requireNonNull(security, "security must not be null");
        Objects.requireNonNull(storeTimeout, "storeTimeout must not be null");
        Objects.requireNonNull(retention, "retention must not be null");
        if (storeTimeout.isNegative() || storeTimeout.isZero()) {
            throw new IllegalArgumentException("--store-timeout must be positive, was: " + storeTimeout);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, was: " + port);
        }
        if (!store.equals("sqlite") && !store.equals("redis") && !store.equals("memory")) {
            throw new IllegalArgumentException("--store must be sqlite, redis or memory, was: " + store);
        }
        if (redis.waitReplicas() > 0 && redis.waitTimeout().compareTo(storeTimeout) >= 0) {
            throw new IllegalArgumentException("--redis-wait-timeout must be shorter than --store-timeout, was: "
                    + redis.waitTimeout().toMillis() + " ms >= " + storeTimeout.toMillis() + " ms");
        }
        if (!redis.clusterSeeds().isEmpty() && !store.equals("redis")) {
            throw new IllegalArgumentException("--redis-cluster needs --store redis, was: " + store);
        }
        if (rateLimit < 0 || (rateLimit > 0 && rateLimitBurst < 1)) {
            throw new IllegalArgumentException("--rate-limit must be 0 or more and --rate-limit-burst at least 1, "
                    + "was: " + rateLimit + " and " + rateLimitBurst);
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
        String store = env.get("MCP_STATE_STORE");
        String db = env.getOrDefault("MCP_STATE_DB", StorageConfig.DEFAULT_SQLITE_PATH.toString());
        String redisUrl = env.getOrDefault("REDIS_URL", StorageConfig.DEFAULT_REDIS_URL);
        String redisCluster = env.getOrDefault("MCP_STATE_REDIS_CLUSTER", "");
        String waitReplicas = env.getOrDefault("MCP_STATE_REDIS_WAIT_REPLICAS", "0");
        String waitTimeout = env.getOrDefault("MCP_STATE_REDIS_WAIT_TIMEOUT",
                StorageConfig.DEFAULT_WAIT_TIMEOUT.toMillis() + "ms");
        String nodeId = env.get("MCP_STATE_NODE_ID");
        String nodeDeadAfter = env.get("MCP_STATE_NODE_DEAD_AFTER");
        String authTokens = env.get("MCP_STATE_AUTH_TOKENS");
        String oauthIssuer = env.get("MCP_STATE_OAUTH_ISSUER");
        String oauthJwksUrl = env.get("MCP_STATE_OAUTH_JWKS_URL");
        String oauthAudience = env.get("MCP_STATE_OAUTH_AUDIENCE");
        String publicUrl = env.get("MCP_STATE_PUBLIC_URL");
        String allowedHosts = env.getOrDefault("MCP_STATE_ALLOWED_HOSTS", "");
        String allowedOrigins = env.getOrDefault("MCP_STATE_ALLOWED_ORIGINS", "");
        String rateLimit = env.getOrDefault("MCP_STATE_RATE_LIMIT", "0");
        String rateLimitBurst = env.get("MCP_STATE_RATE_LIMIT_BURST");
        boolean allowReset = parseBoolean("MCP_STATE_ALLOW_RESET", env.getOrDefault("MCP_STATE_ALLOW_RESET", "false"));
        String storeTimeout = env.getOrDefault("MCP_STATE_STORE_TIMEOUT",
                StorageConfig.DEFAULT_COMMAND_TIMEOUT.toMillis() + "ms");
        String requestStateKey = env.get("MCP_STATE_REQUEST_STATE_KEY");
        String sessionTtl = env.get("MCP_STATE_SESSION_TTL");
        String eventMaxAge = env.get("MCP_STATE_EVENT_MAX_AGE");
        String closedStreamMaxAge = env.get("MCP_STATE_CLOSED_STREAM_MAX_AGE");
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
                case "--redis-cluster" -> redisCluster = value;
                case "--redis-wait-replicas" -> waitReplicas = value;
                case "--redis-wait-timeout" -> waitTimeout = value;
                case "--node-id" -> nodeId = value;
                case "--node-dead-after" -> nodeDeadAfter = value;
                case "--store-timeout" -> storeTimeout = value;
                case "--log-format" -> LogFormat.parse(value); // applied before logging starts (ServerMain)
                case "--auth-tokens" -> authTokens = value;
                case "--oauth-issuer" -> oauthIssuer = value;
                case "--oauth-jwks-url" -> oauthJwksUrl = value;
                case "--oauth-audience" -> oauthAudience = value;
                case "--public-url" -> publicUrl = value;
                case "--allowed-hosts" -> allowedHosts = value;
                case "--allowed-origins" -> allowedOrigins = value;
                case "--rate-limit" -> rateLimit = value;
                case "--rate-limit-burst" -> rateLimitBurst = value;
                case "--request-state-key" -> requestStateKey = value;
                case "--session-ttl" -> sessionTtl = value;
                case "--event-max-age" -> eventMaxAge = value;
                case "--closed-stream-max-age" -> closedStreamMaxAge = value;
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            }
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, was: " + port);
        }
        Security security = new Security(authTokens == null ? null : Path.of(authTokens), oauthIssuer,
                oauthJwksUrl, oauthAudience, publicUrl, list(allowedHosts), list(allowedOrigins));
        int perSecond = perSecond(rateLimit);
        int burst = perSecond == 0 ? 0 : rateLimitBurst == null ? perSecond
                : number(rateLimitBurst, "--rate-limit-burst", "a number");
        List<String> seeds = StorageConfig.seedList(redisCluster);
        Redis redis = new Redis(seeds, number(waitReplicas, "--redis-wait-replicas", "a number"),
                timeout(waitTimeout, "--redis-wait-timeout"),
                nodeDeadAfter == null ? null : timeout(nodeDeadAfter, "--node-dead-after"));
        store = store != null ? store : seeds.isEmpty() ? "sqlite" : "redis";
        return new ServerOptions(host, portNumber, store, Path.of(db), redisUrl, redis, nodeId, security, perSecond,
                burst, timeout(storeTimeout, "--store-timeout"), allowReset, help, requestStateKeys(requestStateKey),
                new Retention(sessionTtl(age(sessionTtl, "--session-ttl", Retention.DEFAULT.sessionIdleTtl())),
                        age(eventMaxAge, "--event-max-age", Retention.DEFAULT.eventMaxAge()),
                        age(closedStreamMaxAge, "--closed-stream-max-age", Retention.DEFAULT.closedStreamMaxAge())));
    }

    private static RequestStateKeys requestStateKeys(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return RequestStateKeys.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--request-state-key: " + e.getMessage());
        }
    }

    private static Set<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(v -> !v.isEmpty())
                .collect(Collectors.toSet());
    }

    /** @return the requests per second of {@code N} or {@code N/s} */
    private static int perSecond(String rateLimit) {
        String value = rateLimit.trim();
        if (value.endsWith("/s")) {
            value = value.substring(0, value.length() - 2).trim();
        }
        return number(value, "--rate-limit", "N or N/s (requests per second)");
    }

    private static int number(String value, String flag, String shape) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be " + shape + ", 0 or more, was: " + value);
    }

    /** The shortest session TTL the server takes: sessions in use are touched at most once a second. */
    static final Duration MIN_SESSION_TTL = Duration.ofSeconds(10);

    private static Duration sessionTtl(Duration ttl) {
        if (ttl.compareTo(MIN_SESSION_TTL) < 0) {
            throw new IllegalArgumentException("--session-ttl must be at least 10s (a session in use is touched at "
                    + "most once a second), was: " + ttl.toMillis() + " ms");
        }
        return ttl;
    }

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    /**
     * @return the time {@code text} gives ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}; digits alone: ms), or
     *         {@code otherwise} when it is null
     */
    private static Duration age(String text, String flag, Duration otherwise) {
        return text == null ? otherwise : time(AGE, text, flag, "30s, 10m or 2h");
    }

    /** @return {@code 2s}, {@code 500ms} or {@code 500} (milliseconds) as a duration */
    private static Duration timeout(String text, String flag) {
        return time(TIMEOUT, text, flag, "2s or 500ms");
    }

    /** @return the positive time {@code text} gives in one of the units {@code shape} allows; digits alone: ms */
    private static Duration time(Pattern shape, String text, String flag, String examples) {
        Matcher m = shape.matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(flag + " must be a positive time like " + examples + ", was: " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMillis(n);
        };
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

    /** @return the storage these options select, with the store timeout */
    public StorageConfig storage() {
        StorageConfig config = switch (store) {
            case "redis" -> redis.applyTo(redisUrl, storeTimeout);
            case "memory" -> StorageConfig.inMemory();
            default -> StorageConfig.sqlite(db);
        };
        return retention.applyTo(config.toBuilder().commandTimeout(storeTimeout).build());
    }

    /** @return where the store lives, for the ready line; passwords redacted */
    public String storeDescription() {
        return storage().toString();
    }
}
