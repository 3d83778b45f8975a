package dev.mcpstate.spring.internal;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the starter steers Spring AI: the transport veto and the protocol default. */
class SpringAiHooksTest {

    private static final String[] CANDIDATES = {
        "org.springframework.ai.mcp.server.common.autoconfigure.McpServerAutoConfiguration",
        SpringAiTransportVeto.SPRING_AI_STREAMABLE_WEBMVC,
        "org.springframework.ai.mcp.server.webmvc.autoconfigure.McpServerSseWebMvcAutoConfiguration"};

    @Test
    void vetoesOnlySpringAisStreamableWebMvcTransportWhileEnabled() {
        SpringAiTransportVeto veto = new SpringAiTransportVeto();
        veto.setEnvironment(new MockEnvironment());
        assertThat(veto.match(CANDIDATES, null)).containsExactly(true, false, true);

        veto.setEnvironment(new MockEnvironment().withProperty("mcp-state.enabled", "false"));
        assertThat(veto.match(CANDIDATES, null)).containsExactly(true, true, true);
    }

    @Test
    void makesStreamableTheDefaultProtocolWithoutOverridingAChoice() {
        StandardEnvironment unset = new StandardEnvironment();
        new StreamableProtocolDefault().postProcessEnvironment(unset, new SpringApplication());
        assertThat(unset.getProperty(StreamableProtocolDefault.PROTOCOL)).isEqualTo("STREAMABLE");

        StandardEnvironment chosen = new StandardEnvironment();
        chosen.getPropertySources().addFirst(new MapPropertySource("app",
                Map.of(StreamableProtocolDefault.PROTOCOL, "SSE")));
        new StreamableProtocolDefault().postProcessEnvironment(chosen, new SpringApplication());
        assertThat(chosen.getProperty(StreamableProtocolDefault.PROTOCOL)).isEqualTo("SSE");

        StandardEnvironment disabled = new StandardEnvironment();
        disabled.getPropertySources().addFirst(new MapPropertySource("app", Map.of("mcp-state.enabled", "false")));
        new StreamableProtocolDefault().postProcessEnvironment(disabled, new SpringApplication());
        assertThat(disabled.getProperty(StreamableProtocolDefault.PROTOCOL)).isNull();
    }
}
