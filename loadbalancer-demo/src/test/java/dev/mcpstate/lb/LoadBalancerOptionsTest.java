package dev.mcpstate.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class LoadBalancerOptionsTest {

    @Test
    void parsesEveryOption() {
        LoadBalancerOptions options = LoadBalancerOptions.parse("--port", "3000", "--host", "0.0.0.0",
                "--backend", "http://127.0.0.1:3001", "--backend", "https://node-2:3002/",
                "--idle-timeout-seconds", "0", "--connect-timeout-millis", "250", "--down-backoff-millis", "100",
                "--max-down-backoff-millis", "800", "--health-check-path", "/health/ready?deep=1",
                "--health-check-interval-millis", "1500", "--health-check-timeout-millis", "300");

        assertThat(options.port()).isEqualTo(3000);
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.backends())
                .containsExactly(URI.create("http://127.0.0.1:3001"), URI.create("https://node-2:3002"));
        assertThat(options.idleTimeout()).isEqualTo(Duration.ZERO);
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(options.downBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(options.maxDownBackoff()).isEqualTo(Duration.ofMillis(800));
        assertThat(options.healthCheckPath()).hasValue("/health/ready?deep=1");
        assertThat(options.healthCheckInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.healthCheckTimeout()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void activeHealthCheckIsOffByDefaultAndChecksEveryFiveSecondsWithATwoSecondTimeoutWhenOn() {
        LoadBalancerOptions options = LoadBalancerOptions.parse("--backend", "http://127.0.0.1:3001");

        assertThat(options.healthCheckPath()).isEmpty();
        assertThat(options.healthCheckInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.healthCheckTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theHealthCheckFlagTurnsTheActiveCheckOnAtHealthReadyUnlessAPathIsGiven() {
        assertThat(LoadBalancerOptions.parse("--backend", "http://a:1", "--health-check").healthCheckPath())
                .hasValue("/health/ready").hasValue(LoadBalancerOptions.DEFAULT_HEALTH_CHECK_PATH);
        assertThat(LoadBalancerOptions.parse("--health-check", "--backend", "http://a:1", "--port", "0").port())
                .isZero();
        assertThat(LoadBalancerOptions.parse("--backend", "http://a:1", "--health-check-path", "/ready",
                "--health-check").healthCheckPath()).hasValue("/ready");
        assertThat(LoadBalancerOptions.parse("--backend", "http://a:1", "--health-check", "--health-check-path",
                "/ready").healthCheckPath()).hasValue("/ready");
        assertThat(LoadBalancerOptions.USAGE).contains("--health-check ").contains("/health/ready");
    }

    @Test
    void rejectsAHealthCheckPathThatIsNotAnAbsolutePath() {
        for (String path : new String[] {"health/ready", "//other-host/ready", "/ready#top", "/a b", ""}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoadBalancerOptions.parse("--backend", "http://a:1", "--health-check-path", path))
                    .withMessageStartingWith("--health-check-path must be a path like /health/ready, got '" + path + "'");
        }
    }

    @Test
    void rejectsHealthCheckIntervalsAndTimeoutsBelowOneMillisecond() {
        for (String option : new String[] {"--health-check-interval-millis", "--health-check-timeout-millis"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoadBalancerOptions.parse("--backend", "http://a:1", option, "0"))
                    .withMessage(option + " must be at least 1, got 0");
        }
    }

    @Test
    void defaultsToAFiveSecondConnectTimeoutAndATwoSecondDownBackoffGrowingToThirty() {
        LoadBalancerOptions options = LoadBalancerOptions.parse("--backend", "http://127.0.0.1:3001");

        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.downBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.maxDownBackoff()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsTimeoutsAndBackoffsBelowOneMillisecond() {
        for (String option : new String[] {"--connect-timeout-millis", "--down-backoff-millis", "--max-down-backoff-millis"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoadBalancerOptions.parse("--backend", "http://a:1", option, "0"))
                    .withMessage(option + " must be at least 1, got 0");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> LoadBalancerOptions.parse("--backend", "http://a:1", option, "-5"))
                    .withMessage(option + " must be at least 1, got -5");
        }
    }

    @Test
    void rejectsAMaximumDownBackoffBelowTheDownBackoff() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadBalancerOptions.parse("--backend", "http://a:1", "--down-backoff-millis", "5000",
                        "--max-down-backoff-millis", "1000"))
                .withMessage("--max-down-backoff-millis must not be less than --down-backoff-millis (5000), got 1000");
    }

    @Test
    void defaultsToLoopbackPort3000AndOneHourIdleTimeout() {
        LoadBalancerOptions options = LoadBalancerOptions.parse("--backend", "http://127.0.0.1:3001");

        assertThat(options.host()).isEqualTo(LoadBalancerOptions.DEFAULT_HOST).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(LoadBalancerOptions.DEFAULT_PORT).isEqualTo(3000);
        assertThat(options.idleTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void rejectsMissingBackend() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerOptions.parse("--port", "3000"))
                .withMessage("at least one --backend URL is required (see --help)");
    }

    @Test
    void rejectsUnknownOption() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerOptions.parse("--prot", "3000"))
                .withMessage("unknown option '--prot' (see --help)");
    }

    @Test
    void rejectsOptionWithoutValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerOptions.parse("--backend"))
                .withMessage("--backend needs a value");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadBalancerOptions.parse("--port", "--backend", "http://a:1"))
                .withMessage("--port needs a value");
    }

    @Test
    void rejectsPortThatIsNotANumberOrOutOfRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerOptions.parse("--port", "http"))
                .withMessage("--port must be a whole number, got 'http'");
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerOptions.parse("--port", "70000"))
                .withMessage("--port must be in 0..65535, got 70000");
    }

    @Test
    void rejectsBackendThatIsNotAnHttpUrl() {
        for (String url : new String[] {"127.0.0.1:3001", "ftp://host:21", "http://", "http://a:1/?q=1", "http://a b"}) {
            assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerOptions.parse("--backend", url))
                    .withMessageStartingWith("--backend must be an http(s) URL like http://127.0.0.1:3001, got '"
                            + url + "'");
        }
    }

    @Test
    void rejectsNegativeIdleTimeout() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadBalancerOptions.parse("--idle-timeout-seconds", "-1"))
                .withMessageStartingWith("--idle-timeout-seconds must be 0 (never) or positive");
    }

    @Test
    void rejectsBlankHost() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancerOptions.builder().host(" "))
                .withMessage("--host must not be blank, got ' '");
    }

    @Test
    void recognisesHelpAnywhere() {
        assertThat(LoadBalancerOptions.isHelpRequested("--port", "1", "--help")).isTrue();
        assertThat(LoadBalancerOptions.isHelpRequested("-h")).isTrue();
        assertThat(LoadBalancerOptions.isHelpRequested("--port", "1")).isFalse();
    }

    @Test
    void usageListsEveryOption() {
        assertThat(LoadBalancerOptions.USAGE)
                .contains("--backend URL", "--host HOST", "--port PORT", "--idle-timeout-seconds SECS",
                        "--connect-timeout-millis MS", "--down-backoff-millis MS", "--max-down-backoff-millis MS",
                        "--health-check-path PATH", "--health-check-interval-millis MS",
                        "--health-check-timeout-millis MS", "--help");
    }
}
