package dev.mcpstate.lb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.mcpstate.testing.MutableClock;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The optional active health check against WireMock backends that serve {@code /health/ready}. Most
 * tests use a one-hour interval, wait for the first round, and then drive the checks with
 * {@link ActiveHealthCheck#checkNow()}; one lets the schedule run and waits for it with Awaitility.
 */
class ActiveHealthCheckIT {

    private static final String READY = "/health/ready";

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private WireMockBackend first;
    private WireMockBackend second;
    private HttpClient client;

    @BeforeEach
    void startBackendsAndClient() throws Exception {
        first = open(WireMockBackend.start("first", server -> ready(server, 200)));
        second = open(WireMockBackend.start("second", server -> ready(server, 200)));
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
    void backendAnsweringNon2xxIsTakenOutUntilItsCheckPassesAgain() throws Exception {
        LoadBalancer lb = startAfterFirstRound(options(Duration.ofHours(1), Duration.ofSeconds(2)));
        assertThat(servedBy(lb, 2)).containsExactly("first", "second");

        ready(second.server(), 503);
        lb.healthCheck().orElseThrow().checkNow().get(10, SECONDS);

        assertThat(lb.backendPool().status(second.uri())).satisfies(status -> {
            assertThat(status.ready()).isFalse();
            assertThat(status.inRotation()).isFalse();
        });
        assertThat(servedBy(lb, 4)).containsOnly("first");

        ready(second.server(), 204);
        lb.healthCheck().orElseThrow().checkNow().get(10, SECONDS);

        assertThat(lb.backendPool().status(second.uri()).inRotation()).isTrue();
        assertThat(servedBy(lb, 4)).containsExactlyInAnyOrder("first", "second", "first", "second");
    }

    @Test
    void backendNotAnsweringItsCheckInTimeIsTakenOut() throws Exception {
        LoadBalancer lb = startAfterFirstRound(options(Duration.ofHours(1), Duration.ofMillis(200)));

        second.server().stubFor(get(urlPathEqualTo(READY)).atPriority(1)
                .willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));
        lb.healthCheck().orElseThrow().checkNow().get(10, SECONDS);

        assertThat(lb.backendPool().status(second.uri()).ready()).isFalse();
        assertThat(lb.backendPool().status(first.uri()).ready()).isTrue();
        assertThat(servedBy(lb, 3)).containsOnly("first");
    }

    @Test
    void stoppedBackendFailsItsCheckAndRejoinsWhenItsCheckPassesAfterARestart() throws Exception {
        LoadBalancer lb = startAfterFirstRound(options(Duration.ofHours(1), Duration.ofSeconds(2)));
        ActiveHealthCheck check = lb.healthCheck().orElseThrow();

        second.stop();
        check.checkNow().get(10, SECONDS);
        assertThat(lb.backendPool().status(second.uri()).ready()).isFalse();
        assertThat(servedBy(lb, 3)).containsOnly("first");

        second.start();
        check.checkNow().get(10, SECONDS);
        assertThat(lb.backendPool().status(second.uri()).inRotation()).isTrue();
        assertThat(servedBy(lb, 2)).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void passingCheckBringsBackABackendThatAFailedRequestTookOut() throws Exception {
        LoadBalancer lb = startAfterFirstRound(options(Duration.ofHours(1), Duration.ofSeconds(2)));
        second.server().stubFor(any(urlPathEqualTo("/mcp")).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThat(post(lb).getStatus()).isEqualTo(200);
        assertThat(post(lb).getStatus()).isEqualTo(502);
        assertThat(lb.backendPool().status(second.uri()).up()).isFalse();

        second.server().resetMappings();
        WireMockBackend.defaultStub(second.server(), "second");
        ready(second.server(), 200);
        lb.healthCheck().orElseThrow().checkNow().get(10, SECONDS);

        assertThat(lb.backendPool().status(second.uri()).up()).as("up without waiting for the backoff").isTrue();
        assertThat(servedBy(lb, 2)).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void scheduledChecksNoticeABackendGoingAndComingBack() throws Exception {
        LoadBalancer lb = start(options(Duration.ofMillis(50), Duration.ofSeconds(2)));

        ready(second.server(), 503);
        await().atMost(Duration.ofSeconds(10)).until(() -> !lb.backendPool().status(second.uri()).ready());
        ready(second.server(), 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> lb.backendPool().status(second.uri()).ready());

        assertThat(lb.healthCheck().orElseThrow().completedRounds()).isGreaterThanOrEqualTo(2);
        first.server().verify(getRequestedFor(urlPathEqualTo(READY)));
    }

    @Test
    void aHealthEndpointThatResetsTheConnectionOrBreaksOffItsAnswerTakesTheBackendOut() throws Exception {
        LoadBalancer lb = startAfterFirstRound(options(Duration.ofHours(1), Duration.ofSeconds(2)));
        ActiveHealthCheck check = lb.healthCheck().orElseThrow();

        for (Fault fault : new Fault[] {Fault.CONNECTION_RESET_BY_PEER, Fault.MALFORMED_RESPONSE_CHUNK}) {
            second.server().stubFor(get(urlPathEqualTo(READY)).atPriority(1).willReturn(aResponse().withFault(fault)));
            check.checkNow().get(10, SECONDS);

            assertThat(lb.backendPool().status(second.uri()).ready()).as(fault.name()).isFalse();
            assertThat(servedBy(lb, 3)).as(fault.name()).containsOnly("first");

            ready(second.server(), 200);
            check.checkNow().get(10, SECONDS);
            assertThat(lb.backendPool().status(second.uri()).inRotation()).as(fault.name()).isTrue();
        }
    }

    @Test
    void withOneBackendKilledRequestsKeepSucceedingAfterAtMostOneFailedConnectAndItRejoinsWhenBack()
            throws Exception {
        // --health-check alone: the default path, /health/ready
        LoadBalancer lb = startAfterFirstRound(LoadBalancerOptions.builder().port(0)
                .addBackend(first.uri().toString()).addBackend(second.uri().toString())
                .activeHealthCheck().healthCheckInterval(Duration.ofHours(1)));
        assertThat(lb.healthCheck().orElseThrow().path()).isEqualTo(READY);
        assertThat(servedBy(lb, 2)).containsExactly("first", "second");

        second.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> lb.proxy().getHttpClient().getDestinations().stream()
                .filter(d -> d.getOrigin().getAddress().getPort() == second.uri().getPort())
                .allMatch(d -> d.getConnectionPool().isEmpty()));
        long attemptsBefore = lb.backendPool().status(second.uri()).attempts();

        assertThat(servedBy(lb, 20)).as("no 502: the failed connect is retried on the other backend")
                .containsOnly("first").hasSize(20);
        assertThat(lb.backendPool().status(second.uri()).attempts() - attemptsBefore)
                .as("connects to the killed backend").isLessThanOrEqualTo(1);
        lb.healthCheck().orElseThrow().checkNow().get(10, SECONDS);
        assertThat(lb.backendPool().status(second.uri()).ready()).isFalse();

        second.start();
        lb.healthCheck().orElseThrow().checkNow().get(10, SECONDS);
        assertThat(lb.backendPool().status(second.uri()).inRotation()).as("back without waiting for a probe").isTrue();
        assertThat(servedBy(lb, 2)).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void isOffByDefault() throws Exception {
        LoadBalancerOptions.Builder options = LoadBalancerOptions.builder().port(0)
                .addBackend(first.uri().toString()).addBackend(second.uri().toString());
        LoadBalancer lb = start(options);

        assertThat(servedBy(lb, 2)).containsExactly("first", "second");
        assertThat(lb.healthCheck()).isEmpty();
        first.server().verify(0, getRequestedFor(urlPathEqualTo(READY)));
        second.server().verify(0, getRequestedFor(urlPathEqualTo(READY)));
    }

    /** Makes {@code /health/ready} answer {@code status}; the latest stub at priority 1 wins. */
    private static void ready(com.github.tomakehurst.wiremock.WireMockServer server, int status) {
        server.stubFor(get(urlPathEqualTo(READY)).atPriority(1).willReturn(aResponse().withStatus(status)));
    }

    private LoadBalancerOptions.Builder options(Duration interval, Duration timeout) {
        return LoadBalancerOptions.builder().port(0)
                .addBackend(first.uri().toString()).addBackend(second.uri().toString())
                .healthCheckPath(READY).healthCheckInterval(interval).healthCheckTimeout(timeout);
    }

    /** Starts the balancer and waits until the first round of checks (run at start) has reported. */
    private LoadBalancer startAfterFirstRound(LoadBalancerOptions.Builder options) throws Exception {
        LoadBalancer lb = start(options);
        await().atMost(Duration.ofSeconds(10)).until(() -> lb.healthCheck().orElseThrow().completedRounds() >= 1);
        return lb;
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
                .body(new StringRequestContent("application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .timeout(10, SECONDS)
                .send();
    }

    private LoadBalancer start(LoadBalancerOptions.Builder options) throws Exception {
        return open(LoadBalancer.start(options.build(), clock));
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }
}
