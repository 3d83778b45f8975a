package dev.mcpstate.examples.server;

import dev.mcpstate.interceptor.RequestStateKeys;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example server's options: flag over environment over default. */
class ServerOptionsTest {

    private static ServerOptions parse(Map<String, String> env, String... args) {
        return ServerOptions.parse(args, env);
    }

    @Test
    void theRequestStateKeyIsRandomByDefaultAndTakesAPreviousOneAfterAComma() {
        String current = "current-key-0123456789abcdef0123456789";
        String previous = "previous-key-0123456789abcdef012345678";

        assertThat(parse(Map.of()).requestStateKeys()).isNull();
        assertThat(parse(Map.of(), "--request-state-key", current + "," + previous).requestStateKeys())
                .isEqualTo(RequestStateKeys.of(current).withPrevious(previous));
        assertThat(parse(Map.of("MCP_STATE_REQUEST_STATE_KEY", current)).requestStateKeys())
                .isEqualTo(RequestStateKeys.of(current));
        assertThatThrownBy(() -> parse(Map.of(), "--request-state-key", "short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--request-state-key")
                .hasMessageNotContaining("short");
    }

    @Test
    void rateLimitingIsOffByDefault() {
        ServerOptions options = parse(Map.of());

        assertThat(options.rateLimit()).isZero();
        assertThat(options.rateLimitBurst()).isZero();
    }

    @Test
    void theRateIsPerSecondWithOrWithoutTheUnitAndTheBurstDefaultsToIt() {
        assertThat(parse(Map.of(), "--rate-limit", "10").rateLimit()).isEqualTo(10);
        assertThat(parse(Map.of(), "--rate-limit", "10/s").rateLimitBurst()).isEqualTo(10);
        ServerOptions both = parse(Map.of(), "--rate-limit", " 4/s ", "--rate-limit-burst", "20");
        assertThat(both.rateLimit()).isEqualTo(4);
        assertThat(both.rateLimitBurst()).isEqualTo(20);
    }

    @Test
    void theEnvironmentSetsItAndAFlagWins() {
        Map<String, String> env = Map.of("MCP_STATE_RATE_LIMIT", "3/s", "MCP_STATE_RATE_LIMIT_BURST", "7");

        assertThat(parse(env).rateLimit()).isEqualTo(3);
        assertThat(parse(env).rateLimitBurst()).isEqualTo(7);
        assertThat(parse(env, "--rate-limit", "0").rateLimitBurst()).as("off: no burst").isZero();
        assertThat(parse(env, "--rate-limit-burst", "9").rateLimitBurst()).isEqualTo(9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "-1", "5/m", "/s", ""})
    void aRateThatIsNotAWholeNumberPerSecondIsRejectedNamingTheFlag(String rate) {
        assertThatThrownBy(() -> parse(Map.of(), "--rate-limit", rate))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate-limit must be");
    }

    @Test
    void aBurstBelowOneIsRejectedWhileRateLimitingIsOn() {
        assertThatThrownBy(() -> parse(Map.of(), "--rate-limit", "5", "--rate-limit-burst", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate-limit-burst");
        assertThatThrownBy(() -> parse(Map.of(), "--rate-limit", "5", "--rate-limit-burst", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate-limit-burst");
    }

    @Test
    void theUsageNamesTheOptions() {
        assertThat(ServerOptions.USAGE).contains("--rate-limit N[/s]", "MCP_STATE_RATE_LIMIT",
                "--rate-limit-burst", "MCP_STATE_RATE_LIMIT_BURST");
    }

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

    @Test
    void securityIsOffByDefaultAndTheFlagsSetIt() {
        assertThat(parse(Map.of()).security()).isEqualTo(ServerOptions.Security.NONE);
        ServerOptions.Security security = parse(Map.of("MCP_STATE_ALLOWED_ORIGINS", "https://app.example.com"),
                "--allowed-hosts", "mcp.example.com, other.example.com:8443", "--auth-tokens", "tokens.txt").security();
        assertThat(security.allowedHosts()).containsExactlyInAnyOrder("mcp.example.com", "other.example.com:8443");
        assertThat(security.allowedOrigins()).containsExactly("https://app.example.com");
        assertThat(security.authTokens()).hasToString("tokens.txt");
    }

    @Test
    void tokensAndOauthExcludeEachOtherAndAnIssuerNeedsItsKeys() {
        assertThatThrownBy(() -> parse(Map.of(), "--auth-tokens", "t", "--oauth-issuer", "https://i.example",
                "--oauth-jwks-url", "https://i.example/jwks")).hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> parse(Map.of(), "--oauth-issuer", "https://i.example"))
                .hasMessageContaining("--oauth-jwks-url");
    }

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

    @Test
    void theLogFormatFlagIsAcceptedAndABadOneIsRefusedNamingTheFlag() {
        assertThat(parse(Map.of(), "--log-format", "json", "--port", "0").port()).isZero();
        assertThatThrownBy(() -> parse(Map.of(), "--log-format", "xml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--log-format must be text or json, was: xml");
        assertThat(ServerOptions.USAGE).contains("--log-format").contains("MCP_STATE_LOG_FORMAT");
    }

    @Test
    void redisClusterSeedsImplyTheRedisStoreAndReplaceTheUrl() {
        ServerOptions options = parse(Map.of(), "--redis-cluster", "10.0.0.1:7000,10.0.0.2:7001");

        assertThat(options.store()).isEqualTo("redis");
        assertThat(options.storage().isRedisCluster()).isTrue();
        assertThat(options.storage().redisClusterSeeds()).containsExactly("redis://10.0.0.1:7000",
                "redis://10.0.0.2:7001");
        assertThat(options.storeDescription()).isEqualTo("redis-cluster:redis://10.0.0.1:7000,redis://10.0.0.2:7001");
        assertThat(parse(Map.of("MCP_STATE_REDIS_CLUSTER", "h:1")).storage().redisClusterSeeds())
                .containsExactly("redis://h:1");
        assertThat(parse(Map.of("MCP_STATE_STORE", "redis")).storage().isRedisCluster()).isFalse();
        assertThatThrownBy(() -> parse(Map.of(), "--store", "sqlite", "--redis-cluster", "h:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--redis-cluster needs --store redis");
        assertThatThrownBy(() -> parse(Map.of(), "--redis-cluster", "nohost"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    }

    @Test
    void waitingForReplicasIsOffByDefaultAndTakesACountAndATimeout() {
        assertThat(parse(Map.of(), "--store", "redis").storage().waitReplicas()).isZero();

        StorageConfig waiting = parse(Map.of(), "--redis-cluster", "h:1", "--redis-wait-replicas", "1",
                "--redis-wait-timeout", "250ms").storage();
        assertThat(waiting.waitReplicas()).isEqualTo(1);
        assertThat(waiting.waitTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(parse(Map.of("MCP_STATE_REDIS_WAIT_REPLICAS", "2"), "--store", "redis").storage()
                .waitTimeout()).isEqualTo(StorageConfig.DEFAULT_WAIT_TIMEOUT);
        assertThatThrownBy(() -> parse(Map.of(), "--redis-wait-replicas", "-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--redis-wait-replicas");
        assertThatThrownBy(() -> parse(Map.of(), "--store", "redis", "--redis-wait-replicas", "1",
                "--redis-wait-timeout", "2s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--redis-wait-timeout must be shorter than --store-timeout");
        assertThat(ServerOptions.USAGE).contains("--redis-cluster", "MCP_STATE_REDIS_CLUSTER", "--redis-wait-replicas",
                "MCP_STATE_REDIS_WAIT_REPLICAS", "--redis-wait-timeout");
    }

    @Test
    void retentionIsTheStoresDefaultUnlessTheEnvironmentOrAFlagSetsItInAnyUnit() {
        StorageConfig defaults = parse(Map.of()).storage();
        assertThat(defaults.sessionIdleTtl()).isEqualTo(StorageConfig.DEFAULT_SESSION_IDLE_TTL);
        assertThat(defaults.eventMaxAge()).isEqualTo(StorageConfig.DEFAULT_EVENT_MAX_AGE);
        assertThat(defaults.closedStreamMaxAge()).isEqualTo(StorageConfig.DEFAULT_CLOSED_STREAM_MAX_AGE);

        StorageConfig set = parse(Map.of("MCP_STATE_SESSION_TTL", "2h", "MCP_STATE_CLOSED_STREAM_MAX_AGE", "30s"),
                "--store", "redis", "--session-ttl", "90m", "--event-max-age", "6h").storage();
        assertThat(set.sessionIdleTtl()).as("the flag wins").isEqualTo(Duration.ofMinutes(90));
        assertThat(set.eventMaxAge()).isEqualTo(Duration.ofHours(6));
        assertThat(set.closedStreamMaxAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse(Map.of(), "--closed-stream-max-age", "1500").storage().closedStreamMaxAge())
                .isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> parse(Map.of(), "--session-ttl", "500ms"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--session-ttl must be at least");
        for (String bad : new String[] {"0", "0m", "-1h", "2d", "soon"}) {
            assertThatThrownBy(() -> parse(Map.of(), "--event-max-age", bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--event-max-age");
        }
        assertThat(ServerOptions.USAGE).contains("--session-ttl", "MCP_STATE_SESSION_TTL", "--event-max-age",
                "MCP_STATE_EVENT_MAX_AGE", "--closed-stream-max-age", "MCP_STATE_CLOSED_STREAM_MAX_AGE");
    }

    @Test
    void theDeadAfterIsTheFiltersUnlessSetAndMustOutlastTheHeartbeat() {
        assertThat(parse(Map.of()).redis().nodeDeadAfter()).isNull();
        assertThat(parse(Map.of("MCP_STATE_NODE_DEAD_AFTER", "3s")).redis().nodeDeadAfter())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(parse(Map.of("MCP_STATE_NODE_DEAD_AFTER", "3s"), "--node-dead-after", "1500ms").redis()
                .nodeDeadAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> parse(Map.of(), "--node-dead-after", "1s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--node-dead-after must be longer");
        assertThatThrownBy(() -> parse(Map.of(), "--node-dead-after", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--node-dead-after");
        assertThat(ServerOptions.USAGE).contains("--node-dead-after", "MCP_STATE_NODE_DEAD_AFTER");
    }

}
