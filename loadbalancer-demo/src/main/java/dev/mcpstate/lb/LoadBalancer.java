package dev.mcpstate.lb;

import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A running load balancer: a Jetty {@link Server} listening on {@link LoadBalancerOptions#host()} and
 * {@link LoadBalancerOptions#port()} whose only handler is a {@link RoundRobinProxy} over
 * {@link LoadBalancerOptions#backends()}.
 *
 * <p>{@link LoadBalancerOptions#idleTimeout()} applies to both legs: the listening connector and the
 * proxy's client towards the backends; {@link java.time.Duration#ZERO} disables both, so SSE streams are never cut
 * for being quiet. The {@link #backendPool() backend pool} tracks which backends are in rotation; its
 * backoffs run on the {@link Clock} given to {@link #start(LoadBalancerOptions, Clock)}. With
 * {@link LoadBalancerOptions#healthCheckPath()} set, an {@link ActiveHealthCheck} also reports to it.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class LoadBalancer implements AutoCloseable {

    private final LoadBalancerOptions options;
    private final Server server;
    private final ServerConnector connector;
    private final BackendPool pool;
    private final RoundRobinProxy proxy;
    private final ActiveHealthCheck healthCheck;

    private LoadBalancer(LoadBalancerOptions options, Clock clock) {
        this.options = options;
        this.pool = new BackendPool(options.backends(), options.downBackoff(), options.maxDownBackoff(), clock);
        long idleMillis = options.idleTimeout().toMillis(); // 0 = never, for Jetty's server and client
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // the backend's Server header, if any, passes through
        this.server = new Server();
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(idleMillis);
        server.addConnector(connector);
        this.proxy = new RoundRobinProxy(pool, options.idleTimeout(), options.connectTimeout());
        server.setHandler(proxy);
        this.healthCheck = options.healthCheckPath()
                .map(path -> new ActiveHealthCheck(pool, path, options.healthCheckInterval(), options.healthCheckTimeout()))
                .orElse(null);
        if (healthCheck != null) {
            server.addBean(healthCheck, true); // starts and stops with the server
        }
    }

    /**
     * Starts a load balancer on the system clock; returns once it accepts connections.
     *
     * @param options the settings, not null
     * @return the running load balancer; the caller closes it
     * @throws Exception when the server cannot start, for example because the port is in use
     */
    public static LoadBalancer start(LoadBalancerOptions options) throws Exception {
        return start(options, Clock.systemUTC());
    }

    /**
     * Starts a load balancer whose down backoffs run on {@code clock}; returns once it accepts
     * connections. Tests pass a clock they move by hand.
     *
     * @param options the settings, not null
     * @param clock   the time source of the backend pool, not null
     * @return the running load balancer; the caller closes it
     * @throws Exception when the server cannot start, for example because the port is in use
     */
    public static LoadBalancer start(LoadBalancerOptions options, Clock clock) throws Exception {
        LoadBalancer balancer = new LoadBalancer(Objects.requireNonNull(options, "options must not be null"),
                Objects.requireNonNull(clock, "clock must not be null"));
        try {
            balancer.server.start();
        } catch (Exception e) {
            balancer.close();
            throw e;
        }
        return balancer;
    }

    /** Returns the base URL clients use, such as {@code http://127.0.0.1:3000/}, with the bound port. */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
    }

    /**
     * Returns the one-line ready message, such as
     * {@code mcp-state-lb listening on http://127.0.0.1:3000/ -> 2 backends: http://127.0.0.1:3001, http://127.0.0.1:3002}.
     */
    public String readyLine() {
        int count = options.backends().size();
        return "mcp-state-lb listening on " + uri() + " -> " + count + (count == 1 ? " backend: " : " backends: ")
                + options.backends().stream().map(URI::toString).collect(Collectors.joining(", "));
    }

    /** Returns the pool that picks the backends and tracks their health; never null. */
    public BackendPool backendPool() {
        return pool;
    }

    /**
     * Returns the active health check, running while the load balancer runs; empty unless
     * {@link LoadBalancerOptions#healthCheckPath()} is set.
     */
    public Optional<ActiveHealthCheck> healthCheck() {
        return Optional.ofNullable(healthCheck);
    }

    /** Returns the proxy handler, for tests that look at its HTTP client. */
    RoundRobinProxy proxy() {
        return proxy;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops the server and the proxy's client, cutting open streams.
     *
     * @throws RuntimeException when Jetty fails to stop
     */
    @Override
    public void close() {
        LifeCycle.stop(server);
    }
}
