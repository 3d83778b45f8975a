package dev.mcpstate.demo.prreview;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.mcpstate.demo.prreview.internal.review.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo end to end through its JSON API: the embedded sidecar on SQLite, reviewer agents as real processes,
 * real HTTP. WireMock plays GitHub.
 */
class PrReviewApiIT extends LiveDemo {

    @TempDir
    static Path dir;
    private static WireMockServer github;

    @BeforeAll
    static void startDemo() throws Exception {
        github = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        github.start();
        use(PrReviewDemo.start(Scenarios.options(dir, null, "--github-api", github.baseUrl(),
                "--github-timeout-ms", "4000")));
    }

    @AfterAll
    static void stopGitHub() {
        if (github != null) {
            github.stop();
        }
    }

    @Test
    void threeAgentsRaceForEachOfTwentyRunsAndExactlyOneClaimsEach() {
        int contested = Scenarios.race(api, events, 20);
        System.out.println("race: " + contested + " of 20 rounds saw a refused claim");
    }

    @Test
    void killedActiveAgentIsReplacedFromTheLastCheckpointAndTheAggregateHasEveryFindingOnce() {
        Scenarios.crashAndRecover(api, events, demo.sidecarUrl());
    }

    @Test
    void everyFixtureLoadsAndAGitHubPullRequestUrlIsFetched() {
        assertThat(api.get("/fixtures").path("fixtures")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(Fixtures.NAMES);
        github.stubFor(get(urlEqualTo("/repos/acme/orders/pulls/7"))
                .withHeader("Accept", equalTo("application/vnd.github.diff"))
                .willReturn(aResponse().withStatus(200).withBody(Fixtures.diff("webhook-deploy"))));
        JsonNode pr = api.ok("/pr", Map.of("url", "https://github.com/acme/orders/pull/7")).path("pr");
        assertThat(pr.path("title").asText()).isEqualTo("Deploy on push");
        assertThat(pr.path("source").asText()).isEqualTo("https://github.com/acme/orders/pull/7");
        assertThat(pr.path("files")).extracting(f -> f.path("path").asText())
                .containsExactly("src/server.js", "src/webhook.js");
        assertThat(api.state().at("/pr/id").asText()).isEqualTo(pr.path("id").asText());
        assertThat(api.state().path("kv").fieldNames()).toIterable()
                .contains("prreview/" + api.state().path("demo_id").asText() + "/pr/" + pr.path("id").asText());
    }

    @Test
    void badInputGetsAClearStatusAndMessageAtOnce() {
        assertThat(api.post("/runs", Map.of()).status()).as("no PR yet").isEqualTo(409);
        assertThat(api.post("/aggregate", Map.of()).status()).isEqualTo(409);
        assertThat(api.post("/pr", Map.of("fixture", "nope")).status()).isEqualTo(404);
        DemoApi.Reply notDiff = api.post("/pr", Map.of("diff", "hello, not a diff"));
        assertThat(notDiff.status()).isEqualTo(400);
        assertThat(notDiff.json().path("error").asText()).startsWith("not a unified diff");
        assertThat(api.post("/pr", Map.of("fixture", "orders-report", "diff", "x")).status()).isEqualTo(400);
        assertThat(api.post("/pr", Map.of("url", "https://example.com/acme/orders/pull/7")).status()).isEqualTo(400);

        github.stubFor(get(urlEqualTo("/repos/acme/gone/pulls/1")).willReturn(aResponse().withStatus(404)));
        DemoApi.Reply missing = api.post("/pr", Map.of("url", "https://github.com/acme/gone/pull/1"));
        assertThat(missing.status()).isEqualTo(502);
        assertThat(missing.json().path("error").asText()).contains("404").contains("upload the .diff");

        github.stubFor(get(urlEqualTo("/repos/acme/slow/pulls/2")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(8000).withBody("late")));
        Instant start = Instant.now();
        DemoApi.Reply slow = api.post("/pr", Map.of("url", "https://github.com/acme/slow/pull/2"));
        assertThat(slow.status()).isEqualTo(504);
        assertThat(Duration.between(start, Instant.now())).as("bounded by --github-timeout-ms")
                .isLessThan(Duration.ofSeconds(8));

        api.ok("/pr", Map.of("fixture", "lru-get-refresh"));
        assertThat(api.post("/agents", Map.of("kind", "docs")).status()).isEqualTo(400);
        assertThat(api.post("/agents", Map.of("kind", "style", "count", 6)).status()).isEqualTo(400);
        assertThat(api.post("/agents/ghost-1/crash", Map.of()).status()).isEqualTo(404);
        assertThat(api.post("/runs", Map.of("kinds", List.of("security", "docs"))).status()).isEqualTo(400);
        assertThat(api.send(HttpRequest.newBuilder(demo.url().resolve("/api/nope")).GET()).status()).isEqualTo(404);
    }

    @Test
    void otherSitesCannotDriveTheDashboard() {
        assertThat(api.post("/reset", Map.of(), Map.of("Origin", "http://evil.example")).status())
                .as("cross-origin POST").isEqualTo(403);
        DemoApi.Reply form = api.send(HttpRequest.newBuilder(demo.url().resolve("/api/agents"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("kind=security")));
        assertThat(form.status()).as("a form post").isEqualTo(415);
        DemoApi.Reply page = api.send(HttpRequest.newBuilder(demo.url()).GET());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().asText()).contains("Distributed PR Review");
        assertThat(api.state().path("agents")).isEmpty();
    }

    @Test
    void resetStopsTheAgentsAndStartsAnEmptySessionWithANewId() {
        String before = api.state().path("demo_id").asText();
        api.ok("/pr", Map.of("fixture", "lru-get-refresh"));
        api.ok("/runs", Map.of());
        List<String> agents = Scenarios.spawn(api, "style", 1);
        long pid = api.agent(api.state(), agents.get(0)).path("pid").asLong();
        assertThat(ProcessHandle.of(pid)).isPresent();
        JsonNode reset = api.ok("/reset", Map.of());
        assertThat(reset.path("previous").asText()).isEqualTo(before);
        JsonNode state = api.state();
        assertThat(state.path("demo_id").asText()).isEqualTo(reset.path("demo_id").asText()).isNotEqualTo(before);
        assertThat(state.path("runs")).isEmpty();
        assertThat(state.path("agents")).isEmpty();
        assertThat(state.path("kv").size()).isZero();
        assertThat(state.path("pr").isNull()).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("agent process").isFalse();
    }
}
