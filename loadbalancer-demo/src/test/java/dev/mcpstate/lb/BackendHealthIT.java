package dev.mcpstate.lb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.mcpstate.testing.FreePort;
import dev.mcpstate.testing.MutableClock;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Passive health checks and retries against WireMock backends that refuse, drop, break off and stall.
 * Backoffs run on a {@link MutableClock} the tests move; nothing sleeps.
 */
class BackendHealthIT {

    private static final String JSON = "application/json";
    private static final Duration BACKOFF = LoadBalancerOptions.DEFAULT_DOWN_BACKOFF;

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private TestBackend live;
    private HttpClient client;

    @BeforeEach
    void startLiveBackendAndClient() throws Exception {
        live = open(TestBackend.echoing("live"));
        client = new HttpClient();
        client.start();
        resources.add(client::stop);
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void refusedBackendIsSkippedAfterOneFailedConnectAndItsRequestIsRetried() throws Exception {
        URI refused = URI.create("http://127.0.0.1:" + FreePort.find());
        LoadBalancer lb = start(options(live.uri(), refused));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(post(lb).getStatus());
        }

        assertThat(statuses).containsOnly(200).hasSize(10);
        assertThat(lb.backendPool().status(refused).up()).isFalse();
        assertThat(lb.backendPool().status(refused).attempts()).isEqualTo(1);
        assertThat(live.hits()).hasSize(10);
    }

    @Test
    void backendThatDoesNotAcceptWithinTheConnectTimeoutIsSkippedAndItsRequestIsRetried() throws Exception {
        URI stalled = stalledListener();
        LoadBalancer lb = start(options(stalled, live.uri()).connectTimeout(Duration.ofMillis(300)));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(post(lb).getStatus());
        }

        assertThat(statuses).containsOnly(200).hasSize(4);
        assertThat(lb.backendPool().status(stalled)).satisfies(status -> {
            assertThat(status.up()).isFalse();
            assertThat(status.attempts()).isEqualTo(1);
        });
        assertThat(live.hits()).hasSize(4);
    }

    @Test
    void killedBackendsAreSkippedAfterOneFailedConnectEachAndNoRequestFails() throws Exception {
        WireMockBackend first = open(WireMockBackend.start("first", server -> { }));
        WireMockBackend second = open(WireMockBackend.start("second", server -> { }));
        LoadBalancer lb = start(options(first.uri(), live.uri(), second.uri()));
        assertThat(servedBy(lb, 3)).containsExactly("first", "live", "second");

        first.stop();
        second.stop();
        awaitNoConnectionsTo(lb, first.uri());
        awaitNoConnectionsTo(lb, second.uri());
        long[] attemptsBefore = {attempts(lb, first.uri()), attempts(lb, second.uri())};

        assertThat(servedBy(lb, 20)).containsOnly("live").hasSize(20);
        assertThat(attempts(lb, first.uri()) - attemptsBefore[0]).as("connects to the first killed backend").isEqualTo(1);
        assertThat(attempts(lb, second.uri()) - attemptsBefore[1]).as("connects to the second killed backend").isEqualTo(1);
        assertThat(live.hits()).hasSize(21);
    }

    @Test
    void retriedRequestReachesTheNextBackendWithItsBodyAndHeaders() throws Exception {
        URI refused = URI.create("http://127.0.0.1:" + FreePort.find());
        LoadBalancer lb = start(options(refused, live.uri()));

        ContentResponse response = client.newRequest(lb.uri().resolve("/mcp?x=1"))
                .method("POST")
                .headers(h -> h.put("Mcp-Session-Id", "session-7").put(HttpHeader.EXPECT, "100-continue"))
                .body(new StringRequestContent(JSON, "{\"jsonrpc\":\"2.0\",\"id\":3}"))
                .timeout(10, SECONDS)
                .send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeaders().get(RoundRobinProxy.BACKEND_HEADER)).isEqualTo(live.uri().toString());
        assertThat(response.getContentAsString()).contains("\"body\":\"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":3}\"");
        assertThat(live.hits()).singleElement().satisfies(hit -> {
            assertThat(hit.path()).isEqualTo("/mcp");
            assertThat(hit.headers().get("Mcp-Session-Id")).isEqualTo("session-7");
        });
    }

    @Test
    void requestWithAStreamedBodyIsNotRetried() throws Exception {
        URI refused = URI.create("http://127.0.0.1:" + FreePort.find());
        LoadBalancer lb = start(options(refused, live.uri()));

        String body = "{\"jsonrpc\":\"2.0\",\"id\":4}";
        String response = rawExchange(lb, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + JSON
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 502 ")
                .containsIgnoringCase(RoundRobinProxy.BACKEND_HEADER + ": " + refused + "\r\n");
        assertThat(live.hits()).isEmpty();
        assertThat(post(lb).getStatus()).as("the refused backend is out of rotation").isEqualTo(200);
    }

    @Test
    void whenEveryBackendIsDownEachIsStillTriedOnceAndTheClientGets502() throws Exception {
        URI refused = URI.create("http://127.0.0.1:" + FreePort.find());
        URI alsoRefused = URI.create("http://127.0.0.1:" + FreePort.find());
        LoadBalancer lb = start(options(refused, alsoRefused));

        for (int i = 1; i <= 3; i++) {
            ContentResponse response = post(lb);
            assertThat(response.getStatus()).isEqualTo(502);
            assertThat(response.getContentAsString()).contains("unavailable (also tried ");
            assertThat(lb.backendPool().statuses()).extracting(BackendPool.BackendStatus::attempts)
                    .containsExactly((long) i, (long) i);
        }
        assertThat(lb.backendPool().statuses()).noneMatch(BackendPool.BackendStatus::up);
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE"})
    void backendThatDropsTheConnectionBeforeAnsweringIsNotRetriedButTakenOut(Fault fault) throws Exception {
        WireMockBackend dropping = open(WireMockBackend.start("dropping",
                server -> server.stubFor(any(urlPathEqualTo("/mcp")).willReturn(aResponse().withFault(fault)))));
        LoadBalancer lb = start(options(live.uri(), dropping.uri()));

        ContentResponse first = post(lb);
        ContentResponse dropped = post(lb);

        assertThat(first.getStatus()).isEqualTo(200);
        assertThat(dropped.getStatus()).isEqualTo(502);
        assertThat(dropped.getHeaders().get(RoundRobinProxy.BACKEND_HEADER)).isEqualTo(dropping.uri().toString());
        assertThat(dropped.getContentAsString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                + "{\"code\":-32603,\"message\":\"Backend " + dropping.uri() + " unavailable\"}}");
        assertThat(live.hits()).as("the dropped request was not sent again").hasSize(1);
        assertThat(dropping.requestCount()).isEqualTo(1);
        assertThat(lb.backendPool().status(dropping.uri()).up()).isFalse();

        for (int i = 0; i < 4; i++) {
            assertThat(post(lb).getHeaders().get(RoundRobinProxy.BACKEND_HEADER)).isEqualTo(live.uri().toString());
        }
        assertThat(dropping.requestCount()).isEqualTo(1);
    }

    @Test
    void backendThatBreaksOffAStartedResponseFailsThatResponseOnlyAndStaysInRotation() throws Exception {
        WireMockBackend breaking = open(WireMockBackend.start("breaking", server -> server.stubFor(
                any(urlPathEqualTo("/mcp")).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)))));
        LoadBalancer lb = start(options(live.uri(), breaking.uri()));

        assertThat(post(lb).getStatus()).isEqualTo(200);
        assertThat(post(lb).getStatus()).isEqualTo(502);

        assertThat(lb.backendPool().status(breaking.uri()).up()).isTrue();
        assertThat(post(lb).getStatus()).isEqualTo(200);
        assertThat(post(lb).getStatus()).isEqualTo(502);
        assertThat(breaking.requestCount()).isEqualTo(2);
    }

    @Test
    void killedBackendRejoinsThroughAProbeOnceItsBackoffHasPassed() throws Exception {
        WireMockBackend node = open(WireMockBackend.start("node", server -> { }));
        LoadBalancer lb = start(options(live.uri(), node.uri()));
        assertThat(servedBy(lb, 2)).containsExactly("live", "node");

        node.stop();
        awaitNoConnectionsTo(lb, node.uri());
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(post(lb).getStatus());
        }
        assertThat(statuses).containsOnly(200).hasSize(6);
        assertThat(lb.backendPool().status(node.uri()).up()).isFalse();

        node.start();
        clock.advance(BACKOFF.minusMillis(1));
        assertThat(servedBy(lb, 4)).containsOnly("live");

        clock.advanceMillis(1);
        assertThat(servedBy(lb, 2)).containsExactlyInAnyOrder("live", "node");
        assertThat(lb.backendPool().status(node.uri()).up()).isTrue();
        assertThat(servedBy(lb, 4)).containsExactlyInAnyOrder("live", "node", "live", "node");
    }

    @Test
    void slowBackendWithinTheIdleTimeoutIsServed() throws Exception {
        WireMockBackend slow = open(WireMockBackend.start("slow", delayed(300)));
        LoadBalancer lb = start(options(slow.uri()).idleTimeout(Duration.ofSeconds(5)));

        long started = System.nanoTime();
        ContentResponse response = post(lb);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeaders().get("Mcp-State-Node")).isEqualTo("slow");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void slowBackendPastTheIdleTimeoutAnswers504AndStaysInRotation() throws Exception {
        WireMockBackend slow = open(WireMockBackend.start("slow", delayed(2_000)));
        LoadBalancer lb = start(options(live.uri(), slow.uri()).idleTimeout(Duration.ofMillis(300)));

        assertThat(post(lb).getStatus()).isEqualTo(200);
        ContentResponse timedOut = post(lb);

        assertThat(timedOut.getStatus()).isEqualTo(504);
        assertThat(timedOut.getHeaders().get(HttpHeader.CONTENT_TYPE)).isEqualTo(JSON);
        assertThat(timedOut.getContentAsString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                + "{\"code\":-32603,\"message\":\"Backend " + slow.uri() + " timed out\"}}");
        assertThat(live.hits()).as("the timed-out request was not sent again").hasSize(1);
        assertThat(lb.backendPool().status(slow.uri()).up()).isTrue();
    }

    private static Consumer<WireMockServer> delayed(int millis) {
        return server -> server.stubFor(any(urlPathEqualTo("/mcp")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", JSON).withHeader("Mcp-State-Node", "slow").withBody("{}")
                .withFixedDelay(millis)));
    }

    /** Waits until the balancer's client has closed its pooled connections to {@code backend}. */
    private static void awaitNoConnectionsTo(LoadBalancer lb, URI backend) {
        await().atMost(Duration.ofSeconds(10)).until(() -> lb.proxy().getHttpClient().getDestinations().stream()
                .filter(destination -> destination.getOrigin().getAddress().getPort() == backend.getPort())
                .allMatch(destination -> destination.getConnectionPool().isEmpty()));
    }

    /**
     * Returns the URL of a loopback listener that never accepts and whose accept queue is full, so that
     * a connect to it gets no answer and times out (Linux drops the SYN). Skips the test where the kernel
     * behaves otherwise.
     */
    private URI stalledListener() throws Exception {
        ServerSocket listener = open(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        boolean full = false;
        for (int i = 0; i < 10 && !full; i++) {
            Socket filler = open(new Socket());
            try {
                filler.connect(listener.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException expected) {
                full = true;
            }
        }
        assumeTrue(full, "this kernel completes connects to a listener with a full accept queue");
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /**
     * Sends {@code request} in one write on a plain socket, so that the balancer gets a chunked body
     * whole (Jetty's client would send a small body that is complete with a Content-Length), and returns
     * everything the balancer answers until it closes the connection.
     */
    private static String rawExchange(LoadBalancer lb, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", lb.uri().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), US_ASCII);
        }
    }

    private static long attempts(LoadBalancer lb, URI backend) {
        return lb.backendPool().status(backend).attempts();
    }

    private List<String> servedBy(LoadBalancer lb, int requests) throws Exception {
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            ContentResponse response = post(lb);
            assertThat(response.getStatus()).isEqualTo(200);
            nodes.add(response.getHeaders().get("Mcp-State-Node"));
        }
        return nodes;
    }

    private ContentResponse post(LoadBalancer lb) throws Exception {
        return client.newRequest(lb.uri().resolve("/mcp"))
                .method("POST")
                .body(new StringRequestContent(JSON, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .timeout(10, SECONDS)
                .send();
    }

    private static LoadBalancerOptions.Builder options(URI... backends) {
        LoadBalancerOptions.Builder options = LoadBalancerOptions.builder().port(0);
        for (URI backend : backends) {
            options.addBackend(backend.toString());
        }
        return options;
    }

    private LoadBalancer start(LoadBalancerOptions.Builder options) throws Exception {
        return open(LoadBalancer.start(options.build(), clock));
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }
}
