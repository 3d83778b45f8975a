package dev.mcpstate.lb;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty core reverse proxy {@link org.eclipse.jetty.server.Handler} that sends every request to the
 * next backend in strict round-robin order, with no session stickiness.
 *
 * <p>It is {@link ProxyHandler} (the base of {@link ProxyHandler.Reverse}) with {@link #rewriteHttpURI}
 * choosing the backend, so Jetty does the HTTP work:
 * <ul>
 *   <li>Every request (POST, GET, DELETE, SSE listening streams) takes the next turn of the
 *       {@link BackendPool}: with backends {@code [a, b, c]} all up, requests go to
 *       {@code a, b, c, a, b, ...} in arrival order. A backend that is down is skipped (see below).</li>
 *   <li>Request and response headers pass through unchanged, except hop-by-hop headers (RFC 9110
 *       section 7.6.1) and the added {@code Via}/{@code Forwarded} request headers. So
 *       {@code Mcp-Session-Id}, {@code Last-Event-ID}, {@code MCP-Protocol-Version},
 *       {@code Content-Type}, {@code Accept} and {@code Authorization} reach the backend, and backend
 *       headers such as {@code Mcp-State-Node} reach the client.</li>
 *   <li>Response bodies stream: each chunk the backend flushes is written to the client before the next
 *       one is read, so {@code text/event-stream} events are not buffered.</li>
 *   <li>Each response carries {@value #BACKEND_HEADER}{@code : <backend URL>}.</li>
 *   <li>Passive health: a request that fails before the backend's response started (connection
 *       refused, connect timeout, connection reset or closed before the status line) takes the backend
 *       out of rotation ({@link BackendPool#failed}); after a backoff one request is let through to it as
 *       a probe, and a probe that gets a response brings it back ({@link BackendPool#responded}). A
 *       backend timeout does not count: the backend accepted the request and is slow, not gone.</li>
 *   <li>Retry only when nothing was sent: when the connection to the backend could not be opened
 *       (refused, connect timeout), the same request goes to the next backend the pool picks, at most
 *       once per backend. To send the same body again, a request body with a {@code Content-Length} of
 *       at most {@value #MAX_BUFFERED_BODY_BYTES} bytes is read whole before the first attempt; a longer
 *       or chunked body streams through as it arrives and is not retried. Once a connection is open and
 *       the request started to go out, it is never sent again: a POST is not idempotent and a retry
 *       could run a tool call twice.</li>
 *   <li>A request that fails on every backend it may try, or fails after it was sent but before the
 *       response is committed, yields {@code 502} ({@code 504} on a backend timeout) with a JSON-RPC
 *       error body
 *       {@code {"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Backend URL unavailable"}}}
 *       (the message adds {@code (also tried URL, ...)} when more than one backend was tried). A
 *       failure after the response is committed (for example a backend dying in the middle of an SSE
 *       stream) aborts the client connection.</li>
 * </ul>
 *
 * <p>Thread-safe: the rotation and the health state live in the thread-safe {@link BackendPool}; the
 * attempts of one request happen one after the other, each started by the end of the previous one.
 */
public class RoundRobinProxy extends ProxyHandler {

    /** Response header naming the backend that served the request. */
    public static final String BACKEND_HEADER = "Mcp-State-Backend";

    /** JSON-RPC "internal error" code used in 502/504 bodies. */
    public static final int INTERNAL_ERROR = -32603;

    /**
     * Longest request body, in bytes, that is read whole before the first attempt so that it can be sent
     * again to the next backend when a connect fails: 4 MiB. MCP POST bodies are far smaller.
     */
    public static final int MAX_BUFFERED_BODY_BYTES = 4 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RoundRobinProxy.class);
    private static final String FORWARDING_ATTRIBUTE = RoundRobinProxy.class.getName() + ".forwarding";
    private static final String ATTEMPT_ATTRIBUTE = RoundRobinProxy.class.getName() + ".attempt";

    private final BackendPool pool;
    private final Duration idleTimeout;
    private final Duration connectTimeout;

    /**
     * Creates a proxy over the backends of {@code pool}. The proxy creates, starts and stops its own
     * {@link HttpClient}; {@link ProxyHandler} configures that client to pass bodies through as the
     * backend encoded them and to relay {@code 100 Continue}.
     *
     * @param pool           the backends (absolute http(s) base URLs without trailing slash, query or
     *                       fragment, as {@link LoadBalancerOptions#backends()} returns them) and their
     *                       health; not null
     * @param idleTimeout    idle timeout of proxy-to-backend connections; {@link Duration#ZERO} = never;
     *                       not null, not negative
     * @param connectTimeout how long a connection to a backend may take to open; not null, positive
     * @throws IllegalArgumentException when {@code idleTimeout} is negative or {@code connectTimeout} not
     *                                  positive
     * @throws NullPointerException     when an argument is null
     */
    public RoundRobinProxy(BackendPool pool, Duration idleTimeout, Duration connectTimeout) {
        this.pool = Objects.requireNonNull(pool, "pool must not be null");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout must not be null");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout must not be null");
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative, got " + idleTimeout);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
    }

    /** Returns the backends in rotation order; unmodifiable. */
    public List<URI> backends() {
        return pool.backends();
    }

    /** Returns the pool that picks the backends and tracks their health; never null. */
    public BackendPool pool() {
        return pool;
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        super.configureHttpClient(httpClient);
        httpClient.setIdleTimeout(idleTimeout.toMillis()); // 0 = never
        httpClient.setConnectTimeout(connectTimeout.toMillis());
    }

    /**
     * Starts forwarding a request: a body that may be sent again is read whole first (see
     * {@link #MAX_BUFFERED_BODY_BYTES}), then {@link ProxyHandler#handle} sends the first attempt.
     */
    @Override
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
        Forwarding forwarding = new Forwarding();
        clientToProxyRequest.setAttribute(FORWARDING_ATTRIBUTE, forwarding);
        long length = clientToProxyRequest.getLength();
        boolean chunked = clientToProxyRequest.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (length > MAX_BUFFERED_BODY_BYTES || (length < 0 && chunked)) {
            // Streams through as it arrives; cannot be sent twice, so it is not retried.
            return super.handle(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback);
        }
        forwarding.retryable = true;
        if (length == 0 || (length < 0 && clientToProxyRequest.getHeaders().get(HttpHeader.CONTENT_TYPE) == null)) {
            forwarding.body = ByteBuffer.allocate(0); // no body: ProxyHandler sends none, or an empty one
            return super.handle(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback);
        }
        Content.Source.asByteBufferAsync(clientToProxyRequest, MAX_BUFFERED_BODY_BYTES).whenComplete((body, failure) -> {
            if (failure != null) {
                LOG.debug("client request body failed method={} path={} cause={}", clientToProxyRequest.getMethod(),
                        clientToProxyRequest.getHttpURI().getPath(), BackendPool.describe(failure));
                proxyToClientCallback.failed(failure);
                return;
            }
            forwarding.body = body;
            forward(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback);
        });
        return true;
    }

    /** Sends the next attempt; called outside {@link #handle}, where nothing else would catch a failure. */
    private void forward(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
        try {
            super.handle(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback);
        } catch (RuntimeException | Error e) {
            LOG.warn("cannot forward method={} path={} cause={}", clientToProxyRequest.getMethod(),
                    clientToProxyRequest.getHttpURI().getPath(), BackendPool.describe(e));
            proxyToClientCallback.failed(e);
        }
    }

    /**
     * Picks the backend for the next attempt (one the request has not tried) and maps {@code /path?query}
     * onto it; called once per attempt.
     */
    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        Forwarding forwarding = forwardingOf(clientToProxyRequest);
        BackendPool.Choice choice = pool.choose(forwarding.tried());
        if (choice == null) {
            throw new IllegalStateException("every backend was tried already"); // retries check hasUntried first
        }
        forwarding.start(choice);
        URI backend = choice.backend();
        HttpURI incoming = clientToProxyRequest.getHttpURI();
        String basePath = backend.getRawPath() == null ? "" : backend.getRawPath();
        return HttpURI.build(backend).path(basePath + incoming.getPath()).query(incoming.getQuery());
    }

    /** Creates the request to the backend {@link #rewriteHttpURI} chose and starts tracking its attempt. */
    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        Attempt attempt = new Attempt(forwardingOf(clientToProxyRequest).current());
        org.eclipse.jetty.client.Request proxyToServerRequest = super.newProxyToServerRequest(clientToProxyRequest, newHttpURI);
        proxyToServerRequest.attribute(ATTEMPT_ATTRIBUTE, attempt);
        // Fired once a connection is open and the request is about to be written: nothing is sent before.
        proxyToServerRequest.onRequestBegin(request -> attempt.sending.set(true));
        return proxyToServerRequest;
    }

    /** Sends the body read whole by {@link #handle} (again, on a retry), or streams the client's body through. */
    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(
            Request clientToProxyRequest, Response proxyToClientResponse,
            org.eclipse.jetty.client.Request proxyToServerRequest) {
        ByteBuffer body = forwardingOf(clientToProxyRequest).body;
        if (body == null) {
            return super.newProxyToServerRequestContent(clientToProxyRequest, proxyToClientResponse, proxyToServerRequest);
        }
        return new ByteBufferRequestContent(clientToProxyRequest.getHeaders().get(HttpHeader.CONTENT_TYPE), body.slice());
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            Response proxyToClientResponse, Callback proxyToClientCallback) {
        return new ProxyResponseListener(
                clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback) {
            @Override
            public void onBegin(org.eclipse.jetty.client.Response serverToProxyResponse) {
                Attempt attempt = attemptOf(proxyToServerRequest);
                attempt.responded.set(true);
                pool.responded(attempt.choice);
                super.onBegin(serverToProxyResponse);
            }

            @Override
            public void onHeaders(org.eclipse.jetty.client.Response serverToProxyResponse) {
                super.onHeaders(serverToProxyResponse);
                proxyToClientResponse.getHeaders().put(BACKEND_HEADER, attemptOf(proxyToServerRequest).backend());
            }
        };
    }

    /**
     * Reports the failure to the pool, then retries on the next backend when nothing was sent and the
     * request may be sent again, answers 502/504 when the response is not committed yet, or aborts it.
     */
    @Override
    protected void onServerToProxyResponseFailure(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse,
            Callback proxyToClientCallback, Throwable failure) {
        Attempt attempt = attemptOf(proxyToServerRequest);
        Forwarding forwarding = forwardingOf(clientToProxyRequest);
        String backend = attempt.backend();
        boolean sent = attempt.sending.get();
        boolean timeout = failure instanceof TimeoutException;
        // A backend that timed out after the request went out is slow, not gone.
        if (!attempt.responded.get() && !(sent && timeout)) {
            pool.failed(attempt.choice, failure);
        }
        if (proxyToClientResponse.isCommitted()) {
            LOG.debug("backend failed mid-response backend={} path={}", backend,
                    clientToProxyRequest.getHttpURI().getPath(), failure);
            proxyToClientCallback.failed(failure);
            return;
        }
        if (!sent && forwarding.retryable && pool.hasUntried(forwarding.tried())) {
            LOG.info("retrying on the next backend failed={} method={} path={} cause={}", backend,
                    clientToProxyRequest.getMethod(), clientToProxyRequest.getHttpURI().getPath(),
                    BackendPool.describe(failure));
            forward(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback);
            return;
        }
        List<URI> tried = forwarding.tried();
        LOG.warn("backend unavailable backend={} method={} path={} sent={} retryable={} tried={} cause={}", backend,
                clientToProxyRequest.getMethod(), clientToProxyRequest.getHttpURI().getPath(), sent,
                forwarding.retryable, tried.size(), BackendPool.describe(failure));
        String others = tried.stream().filter(uri -> !uri.equals(attempt.choice.backend()))
                .map(URI::toString).collect(Collectors.joining(", "));
        String message = "Backend " + backend + (timeout ? " timed out" : " unavailable")
                + (others.isEmpty() ? "" : " (also tried " + others + ")");
        proxyToClientResponse.reset();
        proxyToClientResponse.setStatus(timeout ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502);
        proxyToClientResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        proxyToClientResponse.getHeaders().put(BACKEND_HEADER, backend);
        Content.Sink.write(proxyToClientResponse, true, jsonRpcError(message), proxyToClientCallback);
    }

    private static Attempt attemptOf(org.eclipse.jetty.client.Request proxyToServerRequest) {
        return (Attempt) proxyToServerRequest.getAttributes().get(ATTEMPT_ATTRIBUTE);
    }

    private static Forwarding forwardingOf(Request clientToProxyRequest) {
        return (Forwarding) clientToProxyRequest.getAttribute(FORWARDING_ATTRIBUTE);
    }

    /**
     * One client request on its way: the backends tried so far, whether it may be sent again, and its
     * body when it was read whole. Attempts run one after the other, on whichever threads the server and
     * the client run them; the lock and the volatile fields publish their updates between those threads.
     */
    private static final class Forwarding {
        private final List<URI> tried = new ArrayList<>();
        private BackendPool.Choice current;
        volatile boolean retryable;
        volatile ByteBuffer body;

        synchronized void start(BackendPool.Choice choice) {
            current = choice;
            tried.add(choice.backend());
        }

        synchronized BackendPool.Choice current() {
            return current;
        }

        synchronized List<URI> tried() {
            return List.copyOf(tried);
        }
    }

    /** One try of a request on one backend: whether its bytes started to go out and whether it got a response. */
    private static final class Attempt {
        final BackendPool.Choice choice;
        final AtomicBoolean sending = new AtomicBoolean();
        final AtomicBoolean responded = new AtomicBoolean();

        Attempt(BackendPool.Choice choice) {
            this.choice = choice;
        }

        String backend() {
            return choice.backend().toString();
        }
    }

    /** The message holds only validated URIs and fixed words, so it needs no JSON escaping. */
    private static String jsonRpcError(String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + INTERNAL_ERROR
                + ",\"message\":\"" + message + "\"}}";
    }
}
