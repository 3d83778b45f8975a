package dev.mcpstate.sidecar.server;

import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SidecarServerConfigTest {

    @Test
    void defaultsAreSqliteOnLocalhostPort8000() {
        SidecarServerConfig config = SidecarServerConfig.parse(Map.of());
        assertThat(config.storage().backend()).isEqualTo(StorageConfig.Backend.SQLITE);
        assertThat(config.storage().sqlitePath()).isEqualTo(Path.of("state_sidecar.db"));
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8000);
        assertThat(config.stdio()).isFalse();
        assertThat(config.help()).isFalse();
        assertThat(config.options().allowAnonymousReset()).isFalse();
    }

    @Test
    void allowedHostsAndOriginsComeFromTheFlagsOrTheEnvironment() {
        assertThat(SidecarServerConfig.parse(Map.of()).allowedHosts()).isEmpty();
        SidecarServerConfig flags = SidecarServerConfig.parse(Map.of("SIDECAR_ALLOWED_HOSTS", "ignored.example"),
                "--allowed-hosts", "sidecar.internal, sidecar.internal:8443", "--allowed-origins",
                "https://app.example");
        assertThat(flags.allowedHosts()).containsExactlyInAnyOrder("sidecar.internal", "sidecar.internal:8443");
        assertThat(flags.allowedOrigins()).containsExactly("https://app.example");
        assertThat(SidecarServerConfig.parse(Map.of("SIDECAR_ALLOWED_ORIGINS", "https://a.example,https://b.example"))
                .allowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example");
    }

    @Test
    void allowResetComesFromTheFlagOrTheEnvironment() {
        assertThat(SidecarServerConfig.parse(Map.of(), "--allow-reset").options().allowAnonymousReset()).isTrue();
        assertThat(SidecarServerConfig.parse(Map.of(), "--allow-reset=false").options().allowAnonymousReset())
                .isFalse();
        for (String yes : new String[] {"true", "TRUE", "1", "yes"}) {
            assertThat(SidecarServerConfig.parse(Map.of("SIDECAR_ALLOW_RESET", yes)).options().allowAnonymousReset())
                    .as(yes).isTrue();
        }
        for (String no : new String[] {"false", "0", "no", " "}) {
            assertThat(SidecarServerConfig.parse(Map.of("SIDECAR_ALLOW_RESET", no)).options().allowAnonymousReset())
                    .as(no).isFalse();
        }
        assertThat(SidecarServerConfig.parse(Map.of("SIDECAR_ALLOW_RESET", "true"), "--allow-reset=no")
                .options().allowAnonymousReset()).as("the flag wins").isFalse();
        assertThat(SidecarServerConfig.parse(Map.of("SIDECAR_MAX_VALUE_BYTES", "2048"), "--allow-reset").options()
                .maxValueBytes()).isEqualTo(2048);
        assertThat(SidecarServerConfig.USAGE).contains("--allow-reset").contains("SIDECAR_ALLOW_RESET");
    }

    @Test
    void environmentVariablesConfigureTheServer() {
        SidecarServerConfig config = SidecarServerConfig.parse(Map.of("STATE_BACKEND", "REDIS",
                "REDIS_URL", "redis://cache:6380/1", "SIDECAR_HOST", "0.0.0.0", "SIDECAR_PORT", "9000",
                "SIDECAR_MAX_VALUE_BYTES", "2048"));
        assertThat(config.storage().backend()).isEqualTo(StorageConfig.Backend.REDIS);
        assertThat(config.storage().redisUrl()).isEqualTo("redis://cache:6380/1");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.options().maxValueBytes()).isEqualTo(2048);
    }

    @Test
    void redisClusterSeedsMakeItARedisClusterWithOrWithoutStateBackend() {
        SidecarServerConfig fromEnv = SidecarServerConfig.parse(Map.of("REDIS_CLUSTER", "h1:7000, h2:7001,",
                "REDIS_URL", "redis://ignored:1"));
        assertThat(fromEnv.storage().isRedisCluster()).isTrue();
        assertThat(fromEnv.storage().redisClusterSeeds()).containsExactly("redis://h1:7000", "redis://h2:7001");
        assertThat(fromEnv.backendDescription()).isEqualTo("redis-cluster:redis://h1:7000,redis://h2:7001");

        SidecarServerConfig fromFlag = SidecarServerConfig.parse(Map.of("STATE_BACKEND", "redis"),
                "--redis-cluster", "redis://:secret@h3:7002");
        assertThat(fromFlag.storage().redisClusterSeeds()).containsExactly("redis://:secret@h3:7002");
        assertThat(fromFlag.backendDescription()).doesNotContain("secret");

        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of("STATE_BACKEND", "sqlite", "REDIS_CLUSTER",
                "h1:7000"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STATE_BACKEND redis");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of(), "--redis-cluster", "h1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThat(SidecarServerConfig.USAGE).contains("--redis-cluster").contains("REDIS_CLUSTER");
    }

    @Test
    void flagsOverrideEnvironmentVariables() {
        SidecarServerConfig config = SidecarServerConfig.parse(Map.of("STATE_BACKEND", "redis", "SIDECAR_PORT", "9000"),
                "--backend", "sqlite", "--db=/tmp/x.db", "--port", "0", "--stdio", "--host", "::1");
        assertThat(config.storage().backend()).isEqualTo(StorageConfig.Backend.SQLITE);
        assertThat(config.storage().sqlitePath()).isEqualTo(Path.of("/tmp/x.db"));
        assertThat(config.port()).isZero();
        assertThat(config.stdio()).isTrue();
        assertThat(config.host()).isEqualTo("::1");
        assertThat(SidecarServerConfig.parse(Map.of(), "--help").help()).isTrue();
    }

    @Test
    void theLogFormatIsAcceptedAsFlagOrVariableAndABadOneIsRejected() {
        assertThat(SidecarServerConfig.parse(Map.of(), "--log-format", "json").port()).isEqualTo(8000);
        assertThat(SidecarServerConfig.parse(Map.of("MCP_STATE_LOG_FORMAT", "text"), "--log-format=json").port())
                .isEqualTo(8000);
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of(), "--log-format", "xml"))
                .hasMessage("--log-format must be text or json, was: xml");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of("MCP_STATE_LOG_FORMAT", "yaml")))
                .hasMessageContaining("yaml");
        assertThat(SidecarServerConfig.USAGE).contains("--log-format").contains("MCP_STATE_LOG_FORMAT");
    }

    @Test
    void badSettingsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of("STATE_BACKEND", "mongo")))
                .hasMessageContaining("STATE_BACKEND");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of(), "--port", "eighty"))
                .hasMessageContaining("SIDECAR_PORT");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of(), "--port", "70000")).hasMessageContaining("port");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of(), "--verbose")).hasMessageContaining("--verbose");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of(), "--db")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of("SIDECAR_ALLOW_RESET", "maybe")))
                .hasMessageContaining("SIDECAR_ALLOW_RESET");
        assertThatThrownBy(() -> SidecarServerConfig.parse(Map.of("REDIS_URL", "http://x"), "--backend", "redis"))
                .hasMessageContaining("redisUrl");
    }
}
