package dev.mcpstate.examples.server;

import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store timeout of the example server: flag over environment over default, in seconds or milliseconds. */
class ServerOptionsTest {

    @Test
    void theStoreTimeoutIsTwoSecondsUnlessSetAndReachesTheStorage() {
        ServerOptions defaults = ServerOptions.parse(new String[0], Map.of());

        assertThat(defaults.storeTimeout()).isEqualTo(StorageConfig.DEFAULT_COMMAND_TIMEOUT);
        assertThat(defaults.storage().commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theFlagWinsOverTheEnvironmentAndTakesSecondsOrMilliseconds() {
        Map<String, String> env = Map.of("MCP_STATE_STORE_TIMEOUT", "5s");

        assertThat(ServerOptions.parse(new String[0], env).storeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ServerOptions.parse(new String[] {"--store-timeout", "750ms"}, env).storage().commandTimeout())
                .isEqualTo(Duration.ofMillis(750));
        assertThat(ServerOptions.parse(new String[] {"--store", "redis", "--store-timeout", "300"}, env).storage()
                .commandTimeout()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aStoreTimeoutThatIsNotAPositiveTimeIsRefusedNamingTheFlag() {
        for (String bad : new String[] {"0", "0s", "-1s", "2m", "soon", ""}) {
            assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--store-timeout", bad}, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--store-timeout");
        }
    }
}
