package dev.mcpstate.demo.prreview.internal.dashboard;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.mcpstate.demo.prreview.internal.review.Fixtures;
import dev.mcpstate.testing.FreePort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pull requests from fixtures, uploads and GitHub, played by WireMock; no real network. */
class PrSourcesTest {

    private static WireMockServer github;

    @BeforeAll
    static void startGitHub() {
        github = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        github.start();
    }

    @AfterAll
    static void stopGitHub() {
        github.stop();
    }

    /** A generous bound, so a slow machine does not fail the tests of what works. */
    private static PrSources sources(URI api) {
        return new PrSources(api, Duration.ofSeconds(15));
    }

    @Test
    void fixturesAreListedAndLoaded() {
        PrSources sources = sources(URI.create(github.baseUrl()));
        assertThat(sources.fixtures()).containsExactlyElementsOf(Fixtures.NAMES);
        PrSources.Loaded loaded = sources.fixture("export-worker");
        assertThat(loaded.source()).isEqualTo("fixture:export-worker");
        assertThat(loaded.text()).isEqualTo(Fixtures.diff("export-worker"));
        assertThat(status(() -> sources.fixture("../pom.xml"))).isEqualTo(404);
    }

    @Test
    void uploadsAreCheckedForSize() {
        PrSources sources = sources(URI.create(github.baseUrl()));
        assertThat(sources.upload("diff text", "my.patch").source()).isEqualTo("upload:my.patch");
        assertThat(status(() -> sources.upload(" ", null))).isEqualTo(400);
        assertThat(status(() -> sources.upload("x".repeat(PrSources.MAX_DIFF_BYTES + 1), null))).isEqualTo(413);
    }

    @Test
    void pullRequestUrlsAreFetchedFromTheGitHubApi() {
        github.stubFor(get(urlEqualTo("/repos/octo-org/hello.world/pulls/42"))
                .willReturn(aResponse().withStatus(200).withBody(Fixtures.diff("lru-get-refresh"))));
        PrSources.Loaded loaded = sources(URI.create(github.baseUrl()))
                .github("https://github.com/octo-org/hello.world/pull/42/files");
        assertThat(loaded.text()).isEqualTo(Fixtures.diff("lru-get-refresh"));
        assertThat(loaded.name()).isEqualTo("octo-org/hello.world#42");
    }

    @Test
    void onlyGitHubPullRequestUrlsAreFetched() {
        PrSources sources = sources(URI.create(github.baseUrl()));
        for (String url : new String[] {"http://github.com/a/b/pull/1", "https://github.com/a/b/issues/1",
            "https://github.com.evil.example/a/b/pull/1", "https://github.com/a/b/pull/x", "file:///etc/passwd"}) {
            assertThat(status(() -> sources.github(url))).as(url).isEqualTo(400);
        }
    }

    @Test
    void anUnreachableGitHubGivesAClearMessageAtOnce() throws Exception {
        PrSources sources = sources(URI.create("http://127.0.0.1:" + FreePort.find()));
        Instant start = Instant.now();
        assertThatThrownBy(() -> sources.github("https://github.com/a/b/pull/1")).isInstanceOf(ApiException.class)
                .hasMessageContaining("GitHub is not reachable from here").hasMessageContaining("upload the .diff");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aSlowGitHubIsCutAtTheTimeout() {
        github.stubFor(get(urlEqualTo("/repos/a/slow/pulls/1")).willReturn(aResponse().withFixedDelay(3000)));
        Instant start = Instant.now();
        PrSources impatient = new PrSources(URI.create(github.baseUrl()), Duration.ofMillis(1500));
        assertThat(status(() -> impatient.github("https://github.com/a/slow/pull/1"))).isEqualTo(504);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofMillis(4000));
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (ApiException e) {
            return e.status();
        }
    }
}
