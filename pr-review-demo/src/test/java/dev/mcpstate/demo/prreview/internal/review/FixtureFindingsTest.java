package dev.mcpstate.demo.prreview.internal.review;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every shipped fixture has exactly the findings written down for it; the end-to-end tests rely on these. */
class FixtureFindingsTest {

    static List<String> fixtures() {
        return Fixtures.NAMES;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fixtureHasItsKnownFindings(String fixture) {
        assertThat(Fixtures.computed(fixture)).containsExactlyElementsOf(Fixtures.expected(fixture));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void noFindingIsReportedTwice(String fixture) {
        assertThat(Fixtures.computed(fixture)).doesNotHaveDuplicates();
    }
}
