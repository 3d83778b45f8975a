package dev.mcpstate.interceptor.internal.link;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolGateTest {

    @ParameterizedTest
    @CsvSource({"2026-07-28,true", "2027-01-01,true", "2025-11-25,false", "2025-03-26,false", "2026-07-27,false",
        "garbage,false", "2026-7-28,false"})
    void sessionlessEraStartsAt20260728(String version, boolean sessionless) {
        assertThat(ProtocolGate.isSessionless(version)).isEqualTo(sessionless);
    }

    @ParameterizedTest
    @CsvSource({"2025-11-25,true", "2026-07-28,true", "2025-06-18,false", ",false"})
    void primingEventsAreForProtocol20251125AndLater(String version, boolean priming) {
        assertThat(StreamResumption.wantsPriming(version)).isEqualTo(priming);
    }
}
