package dev.mcpstate.examples.server;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerOptionsTest {

    @Test
    void anonymousResetIsOffUnlessTheFlagOrTheVariableTurnsItOn() {
        assertThat(ServerOptions.parse(new String[0], Map.of()).allowReset()).isFalse();
        assertThat(ServerOptions.parse(new String[0], Map.of()).sidecarOptions().allowAnonymousReset()).isFalse();
        ServerOptions flagged = ServerOptions.parse(new String[] {"--allow-reset", "--port", "0"}, Map.of());
        assertThat(flagged.allowReset()).isTrue();
        assertThat(flagged.port()).isZero();
        assertThat(flagged.sidecarOptions().allowAnonymousReset()).isTrue();
        assertThat(ServerOptions.parse(new String[0], Map.of("MCP_STATE_ALLOW_RESET", "true")).allowReset()).isTrue();
        assertThat(ServerOptions.parse(new String[0], Map.of("MCP_STATE_ALLOW_RESET", "0")).allowReset()).isFalse();
        assertThatThrownBy(() -> ServerOptions.parse(new String[0], Map.of("MCP_STATE_ALLOW_RESET", "sure")))
                .hasMessageContaining("MCP_STATE_ALLOW_RESET");
        assertThat(ServerOptions.USAGE).contains("--allow-reset").contains("MCP_STATE_ALLOW_RESET");
    }
}
