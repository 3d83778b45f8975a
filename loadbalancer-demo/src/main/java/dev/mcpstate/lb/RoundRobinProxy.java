package dev.mcpstate.lb;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *   <li>A backend that cannot be reached, or fails before the response is committed, yields
 *       {@code 502} ({@code 504} on a backend timeout) with a JSON-RPC error body
 *       {@code {"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Backend URL unavailable"}}}.
 *       The request is NOT retried on another backend: a POST is not idempotent and a retry could run
 *       a tool call twice. A failure after the response is committed (for example a backend dying in the
 *       middle of an SSE stream) aborts the client connection.</li>
 * </ul>
 *
 * <p>Thread-safe: the rotation and the health state live in the thread-safe {@link BackendPool}; the
 * state of one attempt is only touched by the HTTP client's events for that attempt.
 */
public class RoundRobinProxy extends ProxyHandler {

    /** Response header naming the backend that served the request. */
    public static final String BACKEND_HEADER = "Mcp-State-Backend";

    /** JSON-RPC "internal error" code used in 502/504 bodies. */
    public static final int INTERNAL_ERROR = -32603;

    private static final Logger LOG = LoggerFactory.getLogger(RoundRobinProxy.class);
    private static final String CHOICE_ATTRIBUTE = RoundRobinProxy.class.getName() + ".choice";
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

    /** Picks the next backend and maps {@code /path?query} onto it; called once per request. */
    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        BackendPool.Choice choice = pool.choose(List.of());
        clientToProxyRequest.setAttribute(CHOICE_ATTRIBUTE, choice);
        URI backend = choice.backend();
        HttpURI incoming = clientToProxyRequest.getHttpURI();
        String basePath = backend.getRawPath() == null ? "" : backend.getRawPath();
        return HttpURI.build(backend).path(basePath + incoming.getPath()).query(incoming.getQuery());
    }

    /** Creates the request to the backend {@link #rewriteHttpURI} chose and starts tracking its attempt. */
    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        Attempt attempt = new Attempt((BackendPool.Choice) clientToProxyRequest.getAttribute(CHOICE_ATTRIBUTE));
        org.eclipse.jetty.client.Request proxyToServerRequest = super.newProxyToServerRequest(clientToProxyRequest, newHttpURI);
        proxyToServerRequest.attribute(ATTEMPT_ATTRIBUTE, attempt);
        // Fired once a connection is open and the request is about to be written: nothing is sent before.
        proxyToServerRequest.onRequestBegin(request -> attempt.sending.set(true));
        return proxyToServerRequest;
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

    @Override
    protected void onServerToProxyResponseFailure(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse,
            Callback proxyToClientCallback, Throwable failure) {
        Attempt attempt = attemptOf(proxyToServerRequest);
        String backend = attempt.backend();
        boolean timeout = failure instanceof TimeoutException;
        if (!attempt.responded.get() && !timeout) {
            pool.failed(attempt.choice, failure);
        }
        if (proxyToClientResponse.isCommitted()) {
            LOG.debug("backend failed mid-response backend={} path={}", backend,
                    clientToProxyRequest.getHttpURI().getPath(), failure);
            proxyToClientCallback.failed(failure);
            return;
        }
        LOG.warn("backend unavailable backend={} method={} path={} sent={} cause={}", backend,
                clientToProxyRequest.getMethod(), clientToProxyRequest.getHttpURI().getPath(), attempt.sending.get(),
                BackendPool.describe(failure));
        proxyToClientResponse.reset();
        proxyToClientResponse.setStatus(timeout ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502);
        proxyToClientResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        proxyToClientResponse.getHeaders().put(BACKEND_HEADER, backend);
        Content.Sink.write(proxyToClientResponse, true,
                jsonRpcError("Backend " + backend + (timeout ? " timed out" : " unavailable")), proxyToClientCallback);
    }

    private static Attempt attemptOf(org.eclipse.jetty.client.Request proxyToServerRequest) {
        return (Attempt) proxyToServerRequest.getAttributes().get(ATTEMPT_ATTRIBUTE);
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

    /** The message holds only a validated URI and fixed words, so it needs no JSON escaping. */
    private static String jsonRpcError(String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + INTERNAL_ERROR
                + ",\"message\":\"" + message + "\"}}";
    }
}
