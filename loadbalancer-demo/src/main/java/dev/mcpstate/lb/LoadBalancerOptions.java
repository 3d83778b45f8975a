package dev.mcpstate.lb;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable, validated settings of the round-robin load balancer: where it listens, the backends it
 * rotates over, the idle timeout of both proxy legs, the connect timeout towards the backends, how
 * long a backend that failed stays out of rotation before it is probed, and the optional active health
 * check.
 *
 * <p>Build with {@link #builder()} or parse command-line arguments with {@link #parse(String...)}.
 * Every setter validates its argument at once and names the option and the value in the
 * {@link IllegalArgumentException} it throws.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class LoadBalancerOptions {

    /** Default listen address: loopback only, so the demo is not exposed by accident. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Default listen port. */
    public static final int DEFAULT_PORT = 3000;

    /**
     * Default idle timeout of both the client-to-proxy and the proxy-to-backend connections: one hour, so
     * quiet but long-lived SSE streams (the MCP GET listening stream) are not cut.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

    /** Default time a connection to a backend may take to open: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Default time a failed backend stays out of rotation before the first probe: 2 seconds. */
    public static final Duration DEFAULT_DOWN_BACKOFF = Duration.ofSeconds(2);

    /** Default longest wait between probes of a backend that stays down: 30 seconds. */
    public static final Duration DEFAULT_MAX_DOWN_BACKOFF = Duration.ofSeconds(30);

    /** Path the active health check asks when it is turned on without one: {@code /health/ready}. */
    public static final String DEFAULT_HEALTH_CHECK_PATH = "/health/ready";

    /** Default pause between two rounds of the active health check: 5 seconds. */
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(5);

    /** Default time one active health check may take, connect included: 2 seconds. */
    public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(2);

    /** Command-line help, one line per option. */
    public static final String USAGE = """
            Usage: java -jar mcp-state-lb.jar --backend URL [--backend URL ...] [options]

            Round-robin reverse proxy for MCP Streamable HTTP: every request (POST, GET, DELETE, SSE
            streams included) goes to the next backend in turn, with no session stickiness. A backend
            whose connection fails is skipped until a probe request gets an answer from it again.

            Options:
              --backend URL                 backend base URL, http or https, e.g. http://127.0.0.1:3001;
                                            repeat once per backend (at least one required)
              --host HOST                   address to listen on (default %s)
              --port PORT                   port to listen on, 0 = any free port (default %d)
              --idle-timeout-seconds SECS   idle timeout of client and backend connections in seconds,
                                            0 = never time out (default %d)
              --connect-timeout-millis MS   time a connection to a backend may take to open (default %d)
              --down-backoff-millis MS      time a failed backend stays out of rotation before one
                                            request probes it (default %d)
              --max-down-backoff-millis MS  the wait doubles after each failed probe, up to this
                                            (default %d)
              --health-check                turn on the active health check at %s: GET it on every
                                            backend; a non-2xx answer, a failed connection or none in
                                            time takes the backend out of rotation until a check passes
                                            (default off)
              --health-check-path PATH      turn it on at another path, e.g. /ready?deep=1
              --health-check-interval-millis MS
                                            pause between two rounds of checks (default %d)
              --health-check-timeout-millis MS
                                            time one check may take, connect included (default %d)
              --help, -h                    print this help and exit
            """.formatted(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_IDLE_TIMEOUT.toSeconds(),
            DEFAULT_CONNECT_TIMEOUT.toMillis(), DEFAULT_DOWN_BACKOFF.toMillis(), DEFAULT_MAX_DOWN_BACKOFF.toMillis(),
            DEFAULT_HEALTH_CHECK_PATH, DEFAULT_HEALTH_CHECK_INTERVAL.toMillis(), DEFAULT_HEALTH_CHECK_TIMEOUT.toMillis());

    /** The options that take no value. */
    private static final List<String> FLAGS = List.of("--health-check");

    private static final List<String> OPTIONS = List.of("--backend", "--host", "--port", "--idle-timeout-seconds",
            "--connect-timeout-millis", "--down-backoff-millis", "--max-down-backoff-millis", "--health-check-path",
            "--health-check-interval-millis", "--health-check-timeout-millis");

    private final String host;
    private final int port;
    private final List<URI> backends;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final Duration downBackoff;
    private final Duration maxDownBackoff;
    private final String healthCheckPath;
    private final Duration healthCheckInterval;
    private final Duration healthCheckTimeout;

    private LoadBalancerOptions(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.backends = List.copyOf(builder.backends);
        this.idleTimeout = builder.idleTimeout;
        this.connectTimeout = builder.connectTimeout;
        this.downBackoff = builder.downBackoff;
        this.maxDownBackoff = builder.maxDownBackoff;
        this.healthCheckPath = builder.healthCheckPath;
        this.healthCheckInterval = builder.healthCheckInterval;
        this.healthCheckTimeout = builder.healthCheckTimeout;
    }

    /** Returns a builder holding the defaults and no backends. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses command-line arguments (see {@link #USAGE}). {@code --help} is not an option here: callers
     * check {@link #isHelpRequested(String...)} first.
     *
     * @param args the arguments, not null
     * @return the validated options
     * @throws IllegalArgumentException naming the offending option when an option is unknown, lacks its
     *                                  value, has an invalid value, or when no {@code --backend} is given
     */
    public static LoadBalancerOptions parse(String... args) {
        Builder builder = builder();
        for (int i = 0; i < args.length; i += 2) {
            if (FLAGS.contains(args[i])) {
                builder.activeHealthCheck();
                i--; // a flag has no value
                continue;
            }
            String option = knownOption(args[i]);
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[i + 1];
            switch (option) {
                case "--backend" -> builder.addBackend(value);
                case "--host" -> builder.host(value);
                case "--port" -> builder.port(parseInt(option, value));
                case "--idle-timeout-seconds" -> builder.idleTimeout(Duration.ofSeconds(parseInt(option, value)));
                case "--connect-timeout-millis" -> builder.connectTimeout(Duration.ofMillis(parseInt(option, value)));
                case "--down-backoff-millis" -> builder.downBackoff(Duration.ofMillis(parseInt(option, value)));
                case "--max-down-backoff-millis" -> builder.maxDownBackoff(Duration.ofMillis(parseInt(option, value)));
                case "--health-check-path" -> builder.healthCheckPath(value);
                case "--health-check-interval-millis" ->
                        builder.healthCheckInterval(Duration.ofMillis(parseInt(option, value)));
                case "--health-check-timeout-millis" ->
                        builder.healthCheckTimeout(Duration.ofMillis(parseInt(option, value)));
                default -> throw new AssertionError(option); // knownOption rejects the rest
            }
        }
        return builder.build();
    }

    /** Returns whether {@code args} contain {@code --help} or {@code -h}. */
    public static boolean isHelpRequested(String... args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    private static String knownOption(String option) {
        if (!OPTIONS.contains(option)) {
            throw new IllegalArgumentException("unknown option '" + option + "' (see --help)");
        }
        return option;
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got '" + value + "'");
        }
    }

    /** Returns the address to listen on, a host name or IP literal; never null or blank. */
    public String host() {
        return host;
    }

    /** Returns the port to listen on, 0..65535; 0 means any free port. */
    public int port() {
        return port;
    }

    /**
     * Returns the backend base URLs in rotation order: absolute http(s) URIs with a host, without query,
     * fragment or trailing slash. Never empty; unmodifiable.
     */
    public List<URI> backends() {
        return backends;
    }

    /** Returns the idle timeout of both proxy legs; {@link Duration#ZERO} means never time out. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Returns how long a connection to a backend may take to open; positive. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Returns how long a backend that failed stays out of rotation before the first probe; positive. */
    public Duration downBackoff() {
        return downBackoff;
    }

    /**
     * Returns the longest wait between probes of a backend that stays down (the wait doubles after each
     * failed probe); never less than {@link #downBackoff()}.
     */
    public Duration maxDownBackoff() {
        return maxDownBackoff;
    }

    /**
     * Returns the path the active health check requests on every backend, such as {@code /health/ready};
     * empty when the active check is off (the default). Never null.
     */
    public Optional<String> healthCheckPath() {
        return Optional.ofNullable(healthCheckPath);
    }

    /** Returns the pause between two rounds of the active health check; positive. */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    /** Returns how long one active health check may take, connect included; positive. */
    public Duration healthCheckTimeout() {
        return healthCheckTimeout;
    }

    @Override
    public String toString() {
        return "LoadBalancerOptions{host=" + host + ", port=" + port + ", backends=" + backends
                + ", idleTimeout=" + idleTimeout + ", connectTimeout=" + connectTimeout
                + ", downBackoff=" + downBackoff + ", maxDownBackoff=" + maxDownBackoff
                + ", healthCheckPath=" + healthCheckPath + ", healthCheckInterval=" + healthCheckInterval
                + ", healthCheckTimeout=" + healthCheckTimeout + '}';
    }

    /** Mutable builder of {@link LoadBalancerOptions}; not thread-safe. */
    public static final class Builder {

        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private final List<URI> backends = new ArrayList<>();
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration downBackoff = DEFAULT_DOWN_BACKOFF;
        private Duration maxDownBackoff = DEFAULT_MAX_DOWN_BACKOFF;
        private String healthCheckPath;
        private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
        private Duration healthCheckTimeout = DEFAULT_HEALTH_CHECK_TIMEOUT;

        private Builder() {
        }

        /**
         * Sets the listen address.
         *
         * @throws IllegalArgumentException when {@code host} is null or blank
         */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("--host must not be blank, got '" + host + "'");
            }
            this.host = host;
            return this;
        }

        /**
         * Sets the listen port; 0 means any free port.
         *
         * @throws IllegalArgumentException when {@code port} is outside 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Appends a backend to the rotation. A trailing slash is dropped; a path is kept as a prefix of
         * every forwarded request path.
         *
         * @param url an absolute http or https URL with a host, without query or fragment
         * @throws IllegalArgumentException when {@code url} is null, malformed, not http(s), has no host,
         *                                  or has a query or fragment
         */
        public Builder addBackend(String url) {
            String problem = "--backend must be an http(s) URL like http://127.0.0.1:3001, got '" + url + "'";
            URI uri;
            try {
                uri = new URI(Objects.requireNonNull(url, problem));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(problem + ": " + e.getReason());
            }
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(problem);
            }
            backends.add(URI.create(url.replaceAll("/+$", "")));
            return this;
        }

        /**
         * Sets the idle timeout of the client-to-proxy and proxy-to-backend connections.
         *
         * @param idleTimeout at least one millisecond, or {@link Duration#ZERO} for never
         * @throws IllegalArgumentException when {@code idleTimeout} is null, negative or between zero and
         *                                  one millisecond
         */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout == null || idleTimeout.isNegative()
                    || (!idleTimeout.isZero() && idleTimeout.toMillis() == 0)) {
                throw new IllegalArgumentException(
                        "--idle-timeout-seconds must be 0 (never) or positive, got " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets how long a connection to a backend may take to open; a connect timeout counts as a failed
         * connect.
         *
         * @param connectTimeout at least one millisecond
         * @throws IllegalArgumentException when {@code connectTimeout} is null or less than one millisecond
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positiveMillis("--connect-timeout-millis", connectTimeout);
            return this;
        }

        /**
         * Sets how long a backend that failed stays out of rotation before one request probes it.
         *
         * @param downBackoff at least one millisecond; {@link #build()} checks it is not more than
         *                    {@link #maxDownBackoff(Duration)}
         * @throws IllegalArgumentException when {@code downBackoff} is null or less than one millisecond
         */
        public Builder downBackoff(Duration downBackoff) {
            this.downBackoff = positiveMillis("--down-backoff-millis", downBackoff);
            return this;
        }

        /**
         * Sets the longest wait between probes of a backend that stays down; the wait starts at
         * {@link #downBackoff(Duration)} and doubles after each failed probe.
         *
         * @param maxDownBackoff at least one millisecond; {@link #build()} checks it is not less than
         *                       {@link #downBackoff(Duration)}
         * @throws IllegalArgumentException when {@code maxDownBackoff} is null or less than one millisecond
         */
        public Builder maxDownBackoff(Duration maxDownBackoff) {
            this.maxDownBackoff = positiveMillis("--max-down-backoff-millis", maxDownBackoff);
            return this;
        }

        /**
         * Turns on the active health check at {@link #DEFAULT_HEALTH_CHECK_PATH} ({@code /health/ready}), unless a
         * path was set with {@link #healthCheckPath(String)}, which then stays.
         */
        public Builder activeHealthCheck() {
            if (healthCheckPath == null) {
                healthCheckPath = DEFAULT_HEALTH_CHECK_PATH;
            }
            return this;
        }

        /**
         * Turns on the active health check: {@code GET <backend><path>} on every backend, every
         * {@link #healthCheckInterval(Duration)}.
         *
         * @param path an absolute path such as {@code /health/ready}, optionally with a query; or null to
         *             turn the check off
         * @throws IllegalArgumentException when {@code path} does not start with {@code /}, holds a
         *                                  fragment or characters that are not allowed in a URL
         */
        public Builder healthCheckPath(String path) {
            if (path != null) {
                String problem = "--health-check-path must be a path like /health/ready, got '" + path + "'";
                URI uri;
                try {
                    uri = new URI("http://backend" + path);
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException(problem + ": " + e.getReason());
                }
                if (!path.startsWith("/") || path.startsWith("//") || uri.getRawFragment() != null) {
                    throw new IllegalArgumentException(problem);
                }
            }
            this.healthCheckPath = path;
            return this;
        }

        /**
         * Sets the pause between the end of one round of active health checks and the start of the next.
         *
         * @param interval at least one millisecond
         * @throws IllegalArgumentException when {@code interval} is null or less than one millisecond
         */
        public Builder healthCheckInterval(Duration interval) {
            this.healthCheckInterval = positiveMillis("--health-check-interval-millis", interval);
            return this;
        }

        /**
         * Sets how long one active health check may take, connect included; no answer in time counts as
         * a failed check.
         *
         * @param timeout at least one millisecond
         * @throws IllegalArgumentException when {@code timeout} is null or less than one millisecond
         */
        public Builder healthCheckTimeout(Duration timeout) {
            this.healthCheckTimeout = positiveMillis("--health-check-timeout-millis", timeout);
            return this;
        }

        private static Duration positiveMillis(String option, Duration value) {
            if (value == null || value.toMillis() < 1) {
                throw new IllegalArgumentException(option + " must be at least 1, got "
                        + (value == null ? "null" : String.valueOf(value.toMillis())));
            }
            return value;
        }

        /**
         * Returns the options.
         *
         * @throws IllegalArgumentException when no backend was added, or when the down backoff is longer
         *                                  than the maximum down backoff
         */
        public LoadBalancerOptions build() {
            if (backends.isEmpty()) {
                throw new IllegalArgumentException("at least one --backend URL is required (see --help)");
            }
            if (maxDownBackoff.compareTo(downBackoff) < 0) {
                throw new IllegalArgumentException("--max-down-backoff-millis must not be less than --down-backoff-millis ("
                        + downBackoff.toMillis() + "), got " + maxDownBackoff.toMillis());
            }
            return new LoadBalancerOptions(this);
        }
    }
}
