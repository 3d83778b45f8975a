package dev.mcpstate.demo.prreview;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    @Test
    void defaultsListenOnLoopbackWithAnEmbeddedSidecarAndWatchableAgents() {
        DemoOptions options = DemoOptions.parse();
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(DemoOptions.DEFAULT_PORT);
        assertThat(options.sidecarUrl()).isNull();
        assertThat(options.sidecarTokenFile()).isNull();
        assertThat(options.db()).isEqualTo(Path.of("pr-review-demo.db"));
        assertThat(options.timings()).isEqualTo(AgentTimings.DEFAULTS);
        assertThat(options.githubApi()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(options.help()).isFalse();
    }

    @Test
    void flagsOverrideTheDefaults() {
        DemoOptions options = DemoOptions.parse("--port", "0", "--host=0.0.0.0", "--sidecar-url",
                "http://127.0.0.1:3000/mcp", "--claim-ttl-ms", "1000", "--lease-ttl-ms", "500", "--file-delay-ms", "0",
                "--poll-ms", "20", "--idle-exit-ms", "5000", "--github-timeout-ms", "100", "--work-dir", "/tmp/x",
                "--sidecar-token-file", "/run/secrets/sidecar");
        assertThat(options.port()).isZero();
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.sidecarUrl()).isEqualTo(URI.create("http://127.0.0.1:3000/mcp"));
        assertThat(options.timings()).isEqualTo(new AgentTimings(Duration.ofSeconds(1), Duration.ofMillis(500),
                Duration.ZERO, Duration.ofMillis(20), Duration.ofSeconds(5)));
        assertThat(options.githubTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(options.workDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(options.sidecarTokenFile()).isEqualTo(Path.of("/run/secrets/sidecar"));
        assertThat(DemoOptions.parse("--help").help()).isTrue();
    }

    @Test
    void badFlagsAreNamed() {
        assertThatThrownBy(() -> DemoOptions.parse("--nope")).hasMessageContaining("--nope");
        assertThatThrownBy(() -> DemoOptions.parse("--port")).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--port", "70000")).hasMessageContaining("--port");
        assertThatThrownBy(() -> DemoOptions.parse("--sidecar-url", "ftp://x/mcp")).hasMessageContaining("http");
        assertThatThrownBy(() -> DemoOptions.parse("--claim-ttl-ms", "abc")).hasMessageContaining("--claim-ttl-ms");
        assertThatThrownBy(() -> DemoOptions.parse("--sidecar-token-file", "/run/secrets/sidecar"))
                .hasMessageContaining("--sidecar-token-file needs --sidecar-url");
    }

    @Test
    void timingsKeepTheSlotLeaseWithinTheClaim() {
        assertThatThrownBy(() -> DemoOptions.parse("--claim-ttl-ms", "1000", "--lease-ttl-ms", "900",
                "--file-delay-ms", "200")).hasMessageContaining("must not exceed the claim TTL");
        assertThatThrownBy(() -> new AgentTimings(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ZERO,
                Duration.ofMillis(10), Duration.ofSeconds(1))).hasMessageContaining("claim TTL must be at least");
        assertThatThrownBy(() -> new AgentTimings(Duration.ofMillis(500), Duration.ofMillis(100), Duration.ZERO,
                Duration.ofMillis(500), Duration.ofSeconds(1))).hasMessageContaining("poll interval");
    }
}
