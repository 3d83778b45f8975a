package dev.mcpstate.lb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

import dev.mcpstate.testing.FreePort;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoundRobinProxyIT {

    private static final String JSON = "application/json";
    private static final String SSE = "text/event-stream";

    /** Released by a test once the client has seen the first SSE event; see {@link #serve}. */
    private final CountDownLatch releaseSecondEvent = new CountDownLatch(1);
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<TestBackend> backends = new ArrayList<>();
    private HttpClient client;

    @BeforeEach
    void startBackendsAndClient() throws Exception {
        for (String name : List.of("node-a", "node-b", "node-c")) {
            backends.add(open(TestBackend.start(name, this::serve)));
        }
        client = new HttpClient();
        client.setIdleTimeout(0);
        client.start();
        resources.add(client::stop);
    }

    @AfterEach
    void closeEverything() throws Exception {
        releaseSecondEvent.countDown();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void rotatesEveryRequestAcrossBackendsInStrictOrder() throws Exception {
        LoadBalancer proxy = startProxy(Duration.ofHours(1), backendUris());
        String[] methods = {"POST", "GET", "DELETE"};

        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ContentResponse response = client.newRequest(proxy.uri().resolve("/mcp"))
                    .method(methods[(i / 3) % 3])
                    .body(new StringRequestContent(JSON, "{\"n\":" + i + "}"))
                    .timeout(10, SECONDS)
                    .send();
            assertThat(response.getStatus()).isEqualTo(200);
            servedBy.add(response.getHeaders().get(RoundRobinProxy.BACKEND_HEADER));
        }

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add(backends.get(i % 3).uri().toString());
        }
        assertThat(servedBy).containsExactlyElementsOf(expected);
        for (TestBackend backend : backends) {
            assertThat(backend.hits()).hasSize(10);
            assertThat(backend.hits()).extracting(TestBackend.Hit::method).contains("POST", "GET", "DELETE");
        }
    }

    @Test
    void passesMcpHeadersThroughBothWaysUnchanged() throws Exception {
        LoadBalancer proxy = startProxy(Duration.ofHours(1), backendUris());

        ContentResponse response = client.newRequest(proxy.uri().resolve("/mcp?x=1"))
                .method("POST")
                .headers(h -> h.put("Mcp-Session-Id", "session-42")
                        .put("Last-Event-ID", "stream-1_7")
                        .put("MCP-Protocol-Version", "2025-11-25")
                        .put(HttpHeader.ACCEPT, "application/json, text/event-stream")
                        .put(HttpHeader.AUTHORIZATION, "Bearer secret-token"))
                .body(new StringRequestContent(JSON, "{\"jsonrpc\":\"2.0\"}"))
                .timeout(10, SECONDS)
                .send();

        TestBackend.Hit hit = backends.get(0).hits().get(0);
        assertThat(hit.path()).isEqualTo("/mcp");
        assertThat(hit.headers().get("Mcp-Session-Id")).isEqualTo("session-42");
        assertThat(hit.headers().get("Last-Event-ID")).isEqualTo("stream-1_7");
        assertThat(hit.headers().get("MCP-Protocol-Version")).isEqualTo("2025-11-25");
        assertThat(hit.headers().get(HttpHeader.CONTENT_TYPE)).isEqualTo(JSON);
        assertThat(hit.headers().get(HttpHeader.ACCEPT)).isEqualTo("application/json, text/event-stream");
        assertThat(hit.headers().get(HttpHeader.AUTHORIZATION)).isEqualTo("Bearer secret-token");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeaders().get("Mcp-Session-Id")).isEqualTo("session-42");
        assertThat(response.getHeaders().get("MCP-Protocol-Version")).isEqualTo("2025-11-25");
        assertThat(response.getHeaders().get(HttpHeader.CONTENT_TYPE)).isEqualTo(JSON);
        assertThat(response.getHeaders().get("Mcp-State-Node")).isEqualTo("node-a");
        assertThat(response.getHeaders().get(RoundRobinProxy.BACKEND_HEADER))
                .isEqualTo(backends.get(0).uri().toString());
        assertThat(response.getContentAsString()).contains("\"body\":\"{\\\"jsonrpc\\\":\\\"2.0\\\"}\"");
    }

    @Test
    void relaysRequestBodiesThatExpect100Continue() throws Exception {
        LoadBalancer proxy = startProxy(Duration.ofHours(1), backendUris());

        ContentResponse response = client.newRequest(proxy.uri().resolve("/mcp"))
                .method("POST")
                .headers(h -> h.put(HttpHeader.EXPECT, "100-continue"))
                .body(new StringRequestContent(JSON, "{}"))
                .timeout(10, SECONDS)
                .send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("\"body\":\"{}\"");
    }

    @Test
    void streamsEachSseEventAsTheBackendFlushesIt() throws Exception {
        LoadBalancer proxy = startProxy(Duration.ofHours(1), backendUris());
        Stream stream = openSse(proxy);

        await().atMost(Duration.ofSeconds(10)).until(() -> stream.received().contains("data: first\n\n"));
        assertThat(stream.headers.get().get(HttpHeader.CONTENT_TYPE)).startsWith(SSE);
        assertThat(stream.headers.get().get(RoundRobinProxy.BACKEND_HEADER)).isEqualTo(backends.get(0).uri().toString());
        assertThat(stream.received()).doesNotContain("second");

        // The open stream took its slot: the next request goes to the next backend.
        ContentResponse next = client.newRequest(proxy.uri().resolve("/mcp")).timeout(10, SECONDS).send();
        assertThat(next.getHeaders().get("Mcp-State-Node")).isEqualTo("node-b");

        releaseSecondEvent.countDown();
        Result result = stream.done.get(10, SECONDS);
        assertThat(result.isSucceeded()).isTrue();
        assertThat(stream.received()).isEqualTo("id: 1\ndata: first\n\nid: 2\ndata: second\n\n");
    }

    @Test
    void keepsAQuietSseStreamOpenWhenIdleTimeoutIsDisabled() throws Exception {
        LoadBalancer proxy = startProxy(Duration.ZERO, backendUris());
        Stream stream = openSse(proxy);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.received().contains("data: first\n\n"));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !stream.done.isDone());

        releaseSecondEvent.countDown();
        assertThat(stream.done.get(10, SECONDS).isSucceeded()).isTrue();
        assertThat(stream.received()).endsWith("data: second\n\n");
    }

    @Test
    void cutsAQuietSseStreamAfterTheConfiguredIdleTimeout() throws Exception {
        LoadBalancer proxy = startProxy(Duration.ofMillis(500), backendUris());
        Stream stream = openSse(proxy);

        Result result = stream.done.get(10, SECONDS);

        assertThat(result.isFailed()).isTrue();
        assertThat(stream.received()).isEqualTo("id: 1\ndata: first\n\n");
    }

    @Test
    void answers502WithJsonRpcErrorWhenEveryBackendRefusesConnections() throws Exception {
        URI dead = URI.create("http://127.0.0.1:" + FreePort.find());
        URI alsoDead = URI.create("http://127.0.0.1:" + FreePort.find());
        LoadBalancer proxy = startProxy(Duration.ofHours(1), List.of(dead, alsoDead));

        ContentResponse failed = post(proxy);

        assertThat(failed.getStatus()).isEqualTo(502);
        assertThat(failed.getHeaders().get(HttpHeader.CONTENT_TYPE)).isEqualTo(JSON);
        assertThat(failed.getHeaders().get(RoundRobinProxy.BACKEND_HEADER)).isEqualTo(alsoDead.toString());
        assertThat(failed.getContentAsString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                + "{\"code\":-32603,\"message\":\"Backend " + alsoDead + " unavailable (also tried " + dead + ")\"}}");
    }

    @Test
    void answers502NamingTheOneBackendWhenItRefusesConnections() throws Exception {
        URI dead = URI.create("http://127.0.0.1:" + FreePort.find());
        LoadBalancer proxy = startProxy(Duration.ofHours(1), List.of(dead));

        ContentResponse failed = post(proxy);

        assertThat(failed.getStatus()).isEqualTo(502);
        assertThat(failed.getHeaders().get(RoundRobinProxy.BACKEND_HEADER)).isEqualTo(dead.toString());
        assertThat(failed.getContentAsString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                + "{\"code\":-32603,\"message\":\"Backend " + dead + " unavailable\"}}");
    }

    @Test
    void readyLineNamesTheBoundAddressAndEveryBackend() throws Exception {
        LoadBalancer proxy = startProxy(Duration.ofHours(1), backendUris());

        assertThat(proxy.readyLine()).isEqualTo("mcp-state-lb listening on http://127.0.0.1:" + proxy.uri().getPort()
                + "/ -> 3 backends: " + backends.get(0).uri() + ", " + backends.get(1).uri() + ", "
                + backends.get(2).uri());
    }

    /**
     * Backend behaviour: {@code /sse} writes event 1, waits until the write completes (the bytes are on
     * the wire), then waits for {@link #releaseSecondEvent} and ends with event 2; anything else echoes.
     */
    private boolean serve(String name, Request request, Response response, Callback callback) throws Exception {
        if (!request.getHttpURI().getPath().equals("/sse")) {
            return TestBackend.echo(name, request, response, callback);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, SSE);
        Callback.Completable flushed = new Callback.Completable();
        Content.Sink.write(response, false, "id: 1\ndata: first\n\n", flushed);
        flushed.get(10, SECONDS);
        if (!releaseSecondEvent.await(30, SECONDS)) {
            callback.failed(new TimeoutException("the test never released the second event"));
            return true;
        }
        Content.Sink.write(response, true, "id: 2\ndata: second\n\n", callback);
        return true;
    }

    /** A client-side SSE response in progress: headers once received, body so far, and completion. */
    private record Stream(CompletableFuture<org.eclipse.jetty.http.HttpFields> headers, StringBuffer body,
                          CompletableFuture<Result> done) {
        String received() {
            return body.toString();
        }
    }

    private Stream openSse(LoadBalancer proxy) {
        Stream stream = new Stream(new CompletableFuture<>(), new StringBuffer(), new CompletableFuture<>());
        client.newRequest(proxy.uri().resolve("/sse"))
                .headers(h -> h.put(HttpHeader.ACCEPT, SSE))
                .onResponseHeaders(response -> stream.headers.complete(response.getHeaders()))
                .onResponseContent((response, content) -> stream.body.append(UTF_8.decode(content)))
                .send(stream.done::complete);
        return stream;
    }

    private ContentResponse post(LoadBalancer proxy) throws Exception {
        return client.newRequest(proxy.uri().resolve("/mcp"))
                .method("POST")
                .body(new StringRequestContent(JSON, "{}"))
                .timeout(10, SECONDS)
                .send();
    }

    private LoadBalancer startProxy(Duration idleTimeout, List<URI> uris) throws Exception {
        LoadBalancerOptions.Builder options = LoadBalancerOptions.builder().port(0).idleTimeout(idleTimeout);
        uris.forEach(uri -> options.addBackend(uri.toString()));
        return open(LoadBalancer.start(options.build()));
    }

    private List<URI> backendUris() {
        return backends.stream().map(TestBackend::uri).toList();
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }
}
