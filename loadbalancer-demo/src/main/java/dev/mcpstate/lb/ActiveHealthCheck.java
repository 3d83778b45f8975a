package dev.mcpstate.lb;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health check: every {@code interval}, sends {@code GET <backend><path>} (for example
 * {@code http://127.0.0.1:3001/health/ready}) to each backend of a {@link BackendPool} and reports the
 * outcome with {@link BackendPool#checked(URI, boolean, String)}: a {@code 2xx} answer within
 * {@code timeout} is ready; any other status, a failed connection or no answer in time is not ready.
 *
 * <p>A Jetty {@link ContainerLifeCycle}: {@link #start()} starts its own {@link HttpClient} (so checks
 * neither share connections nor queue behind proxied requests) and runs the first round at once; each
 * round starts {@code interval} after the previous one finished, so rounds never overlap. Backends
 * count as ready until their first check fails. {@link #stop()} cancels the next round.
 *
 * <p>Thread-safe. The schedule runs on real time; tests call {@link #checkNow()} instead of waiting.
 */
public final class ActiveHealthCheck extends ContainerLifeCycle {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveHealthCheck.class);

    private final BackendPool pool;
    private final String path;
    private final Duration interval;
    private final Duration timeout;
    private final List<URI> backends;
    private final HttpClient client;
    private final Scheduler scheduler = new ScheduledExecutorScheduler("mcp-state-lb-health-rounds", true);
    private final AtomicLong completedRounds = new AtomicLong();
    private final Object lock = new Object();
    private Scheduler.Task next; // guarded by lock

    /**
     * Creates a stopped check.
     *
     * @param pool     the backends to check and where to report; not null
     * @param path     the path appended to each backend base URL, starting with {@code /}, such as
     *                 {@code /health/ready}; may carry a query; not null
     * @param interval the pause between the end of one round and the start of the next; positive, not null
     * @param timeout  how long one check may take, connect included; positive, not null
     * @throws IllegalArgumentException when {@code path} does not start with {@code /} or a duration is
     *                                  not positive
     * @throws NullPointerException     when an argument is null
     */
    public ActiveHealthCheck(BackendPool pool, String path, Duration interval, Duration timeout) {
        this.pool = Objects.requireNonNull(pool, "pool must not be null");
        this.path = Objects.requireNonNull(path, "path must not be null");
        this.interval = Objects.requireNonNull(interval, "interval must not be null");
        this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', got '" + path + "'");
        }
        if (interval.toMillis() < 1 || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("interval and timeout must be at least 1 ms, got " + interval
                    + " and " + timeout);
        }
        this.backends = List.copyOf(new LinkedHashSet<>(pool.backends()));
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("mcp-state-lb-health");
        threads.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(threads);
        connector.setConnectTimeout(timeout);
        this.client = new HttpClient(new HttpClientTransportDynamic(connector));
        client.setFollowRedirects(false);
        client.setIdleTimeout(timeout.toMillis());
        addBean(scheduler, true);
        addBean(client, true);
    }

    /** Returns the path checked on every backend, such as {@code /health/ready}. */
    public String path() {
        return path;
    }

    /** Returns the URL checked for {@code backend}: its base URL followed by {@link #path()}. */
    public URI checkUri(URI backend) {
        return URI.create(backend + path);
    }

    /** Returns how many scheduled rounds have finished since the start; {@link #checkNow()} does not count. */
    public long completedRounds() {
        return completedRounds.get();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        LOG.info("active health check path={} intervalMillis={} timeoutMillis={} backends={}", path,
                interval.toMillis(), timeout.toMillis(), backends.size());
        round();
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (lock) {
            if (next != null) {
                next.cancel();
                next = null;
            }
        }
        super.doStop();
    }

    /**
     * Checks every backend once, now, besides the schedule, and reports each outcome to the pool.
     *
     * @return completes (never exceptionally) once every backend's outcome is reported
     * @throws IllegalStateException when the check is not running
     */
    public CompletableFuture<Void> checkNow() {
        if (!isRunning()) {
            throw new IllegalStateException("the health check is not running");
        }
        return checks();
    }

    private CompletableFuture<Void> check(URI backend) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            client.newRequest(checkUri(backend))
                    .method(HttpMethod.GET)
                    .headers(headers -> headers.put(HttpHeader.ACCEPT, "application/json, */*"))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send(result -> {
                        try {
                            report(backend, result);
                        } finally {
                            done.complete(null); // the next round must come, whatever happened here
                        }
                    });
        } catch (RuntimeException e) { // the client stopped under us
            done.complete(null);
        }
        return done;
    }

    private void report(URI backend, Result result) {
        if (!isRunning()) {
            return; // failed because the balancer is stopping: not the backend's doing
        }
        if (result.isFailed()) {
            pool.checked(backend, false, "failure=" + BackendPool.describe(result.getFailure()));
            return;
        }
        int status = result.getResponse().getStatus();
        pool.checked(backend, HttpStatus.isSuccess(status), "status=" + status);
    }

    /** One scheduled round; the next one is scheduled when this one has finished. */
    private void round() {
        if (!isRunning()) { // STARTING or STARTED
            return;
        }
        checks().whenComplete((ignored, failure) -> {
            completedRounds.incrementAndGet();
            synchronized (lock) {
                if (isRunning()) {
                    next = scheduler.schedule(this::round, interval.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    private CompletableFuture<Void> checks() {
        List<CompletableFuture<Void>> checks = new ArrayList<>(backends.size());
        for (URI backend : backends) {
            checks.add(check(backend));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
    }
}
