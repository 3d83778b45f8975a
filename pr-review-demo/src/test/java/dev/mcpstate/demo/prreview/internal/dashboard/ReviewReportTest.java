package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.demo.prreview.internal.review.Finding;
import dev.mcpstate.demo.prreview.internal.review.ReviewKind;
import dev.mcpstate.demo.prreview.internal.review.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReviewReportTest {

    private static final String DIFF = """
            --- a/src/<b>x|y</b>.js
            +++ b/src/<b>x|y</b>.js
            @@ -1 +1 @@
            -a
            +b
            """;

    private static ReviewReport report(List<ReviewReport.RunPart> runs, List<ReviewReport.Entry> entries) {
        LoadedPr pr = LoadedPr.of(new PrSources.Loaded("upload:x.diff", DIFF, "x.diff"));
        return new ReviewReport(pr, runs, entries);
    }

    private static ReviewReport.Entry entry(Severity severity, String rule, int line, String agent) {
        return new ReviewReport.Entry(new Finding("security", "src/<b>x|y</b>.js", line, severity, rule,
                "why | it matters"), agent, 0);
    }

    @Test
    void markdownGroupsFindingsBySeverityWorstFirstAndEscapesCells() {
        ReviewReport report = report(List.of(new ReviewReport.RunPart("wf-1", ReviewKind.SECURITY, "completed", 1,
                List.of("security-1", "security-2"))), List.of(entry(Severity.LOW, "b-rule", 3, "security-2"),
                entry(Severity.CRITICAL, "a-rule", 9, "security-1"), entry(Severity.LOW, "a-rule", 1, "security-2")));
        String md = report.markdown();
        assertThat(md).contains("**3 findings**: 1 critical, 2 low (reviews not complete yet)");
        assertThat(md.indexOf("## Critical (1)")).isPositive().isLessThan(md.indexOf("## Low (2)"));
        assertThat(md).doesNotContain("## High").contains("by security-1, security-2")
                .contains("Performance review: not registered");
        assertThat(md).as("untrusted text cannot break the table or inject HTML")
                .contains("src/\\<b\\>x\\|y\\</b\\>.js").contains("why \\| it matters").doesNotContain("<b>");
        assertThat(md.indexOf("| 1 |")).as("same severity: by line").isLessThan(md.indexOf("| 3 |"));
    }

    @Test
    void jsonHasCountsFindingsWithTheirAgentAndCompleteness() {
        ReviewReport report = report(List.of(
                new ReviewReport.RunPart("wf-1", ReviewKind.SECURITY, "completed", 1, List.of("security-1")),
                new ReviewReport.RunPart("wf-2", ReviewKind.PERFORMANCE, "completed", 1, List.of("performance-1")),
                new ReviewReport.RunPart("wf-3", ReviewKind.STYLE, "completed", 1, List.of("style-1"))),
                List.of(entry(Severity.HIGH, "r", 1, "security-1")));
        ObjectNode json = report.toJson();
        assertThat(json.path("complete").asBoolean()).isTrue();
        assertThat(json.at("/counts/high").asInt()).isEqualTo(1);
        assertThat(json.at("/counts/info").asInt()).isZero();
        assertThat(json.at("/findings/0/severity").asText()).isEqualTo("high");
        assertThat(json.at("/findings/0/agent_id").asText()).isEqualTo("security-1");
        assertThat(json.at("/runs/2/files_total").asInt()).isEqualTo(1);
        assertThat(json.path("markdown").asText()).startsWith("# Review: x.diff");
    }
}
