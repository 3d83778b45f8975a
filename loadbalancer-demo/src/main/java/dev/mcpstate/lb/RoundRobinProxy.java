package dev.mcpstate.lb;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

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
 *   <li>Every request (POST, GET, DELETE, SSE listening streams) takes the next slot of one shared
 *       counter: with backends {@code [a, b, c]} requests go to {@code a, b, c, a, b, ...} in arrival
 *       order.</li>
 *   <li>Request and response headers pass through unchanged, except hop-by-hop headers (RFC 9110
 *       section 7.6.1) and the added {@code Via}/{@code Forwarded} request headers. So
 *       {@code Mcp-Session-Id}, {@code Last-Event-ID}, {@code MCP-Protocol-Version},
 *       {@code Content-Type}, {@code Accept} and {@code Authorization} reach the backend, and backend
 *       headers such as {@code Mcp-State-Node} reach the client.</li>
 *   <li>Response bodies stream: each chunk the backend flushes is written to the client before the next
 *       one is read, so {@code text/event-stream} events are not buffered.</li>
 *   <li>Each response carries {@value #BACKEND_HEADER}{@code : <backend URL>}.</li>
 *   <li>A backend that cannot be reached, or fails before the response is committed, yields
 *       {@code 502} ({@code 504} on a backend timeout) with a JSON-RPC error body
 *       {@code {"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Backend URL unavailable"}}}.
 *       The request is NOT retried on another backend: a POST is not idempotent and a retry could run
 *       a tool call twice. A failure after the response is committed (for example a backend dying in the
 *       middle of an SSE stream) aborts the client connection.</li>
 * </ul>
 *
 * <p>Thread-safe: the rotation is one {@link AtomicLong}; the backend list is immutable.
 */
public class RoundRobinProxy extends ProxyHandler {

    /** Response header naming the backend that served the request. */
    public static final String BACKEND_HEADER = "Mcp-State-Backend";

    /** JSON-RPC "internal error" code used in 502/504 bodies. */
    public static final int INTERNAL_ERROR = -32603;

    private static final Logger LOG = LoggerFactory.getLogger(RoundRobinProxy.class);
    private static final String BACKEND_ATTRIBUTE = RoundRobinProxy.class.getName() + ".backend";

    private final List<URI> backends;
    private final Duration idleTimeout;
    private final AtomicLong requests = new AtomicLong();

    /**
     * Creates a proxy over {@code backends}, in rotation order. The proxy creates, starts and stops its
     * own {@link HttpClient}; {@link ProxyHandler} configures that client to pass bodies through as the
     * backend encoded them and to relay {@code 100 Continue}.
     *
     * @param backends    absolute http(s) base URLs without trailing slash, query or fragment (as
     *                    {@link LoadBalancerOptions#backends()} returns them); not null, not empty
     * @param idleTimeout idle timeout of proxy-to-backend connections; {@link Duration#ZERO} = never;
     *                    not null, not negative
     * @throws IllegalArgumentException when {@code backends} is empty or {@code idleTimeout} negative
     * @throws NullPointerException     when an argument or a backend is null
     */
    public RoundRobinProxy(List<URI> backends, Duration idleTimeout) {
        this.backends = List.copyOf(Objects.requireNonNull(backends, "backends must not be null"));
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout must not be null");
        if (this.backends.isEmpty()) {
            throw new IllegalArgumentException("backends must not be empty");
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative, got " + idleTimeout);
        }
    }

    /** Returns the backends in rotation order; unmodifiable. */
    public List<URI> backends() {
        return backends;
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        super.configureHttpClient(httpClient);
        httpClient.setIdleTimeout(idleTimeout.toMillis()); // 0 = never
    }

    /** Picks the next backend and maps {@code /path?query} onto it; called once per request. */
    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        URI backend = backends.get((int) Math.floorMod(requests.getAndIncrement(), (long) backends.size()));
        clientToProxyRequest.setAttribute(BACKEND_ATTRIBUTE, backend);
        HttpURI incoming = clientToProxyRequest.getHttpURI();
        String basePath = backend.getRawPath() == null ? "" : backend.getRawPath();
        return HttpURI.build(backend).path(basePath + incoming.getPath()).query(incoming.getQuery());
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            Response proxyToClientResponse, Callback proxyToClientCallback) {
        return new ProxyResponseListener(
                clientToProxyRequest, proxyToServerRequest, proxyToClientResponse, proxyToClientCallback) {
            @Override
            public void onHeaders(org.eclipse.jetty.client.Response serverToProxyResponse) {
                super.onHeaders(serverToProxyResponse);
                proxyToClientResponse.getHeaders().put(BACKEND_HEADER, backendOf(clientToProxyRequest));
            }
        };
    }

    @Override
    protected void onServerToProxyResponseFailure(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            org.eclipse.jetty.client.Response serverToProxyResponse, Response proxyToClientResponse,
            Callback proxyToClientCallback, Throwable failure) {
        String backend = backendOf(clientToProxyRequest);
        if (proxyToClientResponse.isCommitted()) {
            LOG.debug("backend failed mid-response backend={} path={}", backend,
                    clientToProxyRequest.getHttpURI().getPath(), failure);
            proxyToClientCallback.failed(failure);
            return;
        }
        boolean timeout = failure instanceof TimeoutException;
        LOG.warn("backend unavailable backend={} method={} path={} cause={}", backend,
                clientToProxyRequest.getMethod(), clientToProxyRequest.getHttpURI().getPath(), failure.toString());
        proxyToClientResponse.reset();
        proxyToClientResponse.setStatus(timeout ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502);
        proxyToClientResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        proxyToClientResponse.getHeaders().put(BACKEND_HEADER, backend);
        Content.Sink.write(proxyToClientResponse, true,
                jsonRpcError("Backend " + backend + (timeout ? " timed out" : " unavailable")), proxyToClientCallback);
    }

    private static String backendOf(Request clientToProxyRequest) {
        return String.valueOf(clientToProxyRequest.getAttribute(BACKEND_ATTRIBUTE));
    }

    /** The message holds only a validated URI and fixed words, so it needs no JSON escaping. */
    private static String jsonRpcError(String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + INTERNAL_ERROR
                + ",\"message\":\"" + message + "\"}}";
    }
}
