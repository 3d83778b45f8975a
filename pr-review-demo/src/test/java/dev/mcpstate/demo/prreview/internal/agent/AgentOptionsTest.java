package dev.mcpstate.demo.prreview.internal.agent;

import dev.mcpstate.demo.prreview.AgentTimings;
import dev.mcpstate.demo.prreview.internal.review.ReviewKind;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentOptionsTest {

    @Test
    void theDashboardsCommandLineReadsBackIntoTheSameOptions() {
        AgentOptions options = new AgentOptions(URI.create("http://127.0.0.1:8000/mcp"), "demo-abc123",
                ReviewKind.PERFORMANCE, "performance-2", new AgentTimings(Duration.ofMillis(1500),
                Duration.ofMillis(800), Duration.ofMillis(100), Duration.ofMillis(30), Duration.ofSeconds(9)),
                Duration.ofMinutes(3));
        assertThat(AgentOptions.parse(options.toArgs().toArray(String[]::new))).isEqualTo(options);
    }

    @Test
    void missingOrWrongFlagsAreNamed() {
        assertThatThrownBy(() -> AgentOptions.parse(new String[] {"--demo", "d", "--kind", "style", "--agent-id", "a"}))
                .hasMessageContaining("--sidecar-url");
        assertThatThrownBy(() -> AgentOptions.parse(new String[] {"--sidecar-url", "http://h/mcp", "--demo", "d",
            "--kind", "docs", "--agent-id", "a"})).hasMessageContaining("security, performance, style");
    }
}
