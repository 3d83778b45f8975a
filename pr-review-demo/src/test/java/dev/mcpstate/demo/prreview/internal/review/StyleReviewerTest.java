package dev.mcpstate.demo.prreview.internal.review;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StyleReviewerTest {

    @Test
    void linesOverTheLimitAreLongExceptInProse() {
        String longLine = "int x = 1; // " + "y".repeat(StyleReviewer.MAX_LINE);
        String atLimit = "z".repeat(StyleReviewer.MAX_LINE);
        assertThat(Diffs.review(ReviewKind.STYLE, "src/test/A.java", atLimit, longLine))
                .singleElement().satisfies(f -> {
                    assertThat(f.rule()).isEqualTo("long-line");
                    assertThat(f.line()).isEqualTo(2);
                    assertThat(f.message()).contains(Integer.toString(longLine.length()));
                });
        assertThat(Diffs.findings(ReviewKind.STYLE, Diffs.newFile("docs/guide.md", longLine))).isEmpty();
    }

    @Test
    void namingByLanguage() {
        assertThat(Diffs.findings(ReviewKind.STYLE, Diffs.newFile("test/A.java",
                "Map<String, Long> by_customer = new HashMap<>();",
                "int retry_count = 0;",
                "static final int MAX_RETRIES = 3;",
                "class orderHelper {",
                "int camelCase = 1;")))
                .containsExactly("naming@1", "naming@2", "naming@4");
        assertThat(Diffs.findings(ReviewKind.STYLE, Diffs.newFile("tests/test_x.py",
                "def exportRows(rows):",
                "    rowCount = len(rows)",
                "def export_rows(rows):",
                "class exporter:",
                "MAX_ROWS = 10")))
                .containsExactly("naming@1", "naming@2", "naming@4");
        assertThat(Diffs.findings(ReviewKind.STYLE, Diffs.newFile("a.test.js",
                "const repo_name = body.repository;",
                "const repoName = body.repository;",
                "const s = 'snake_case in a string';")))
                .containsExactly("naming@1");
    }

    @Test
    void todoFixmeXxxAndHackAreReported() {
        assertThat(Diffs.review(ReviewKind.STYLE, "tests/test_a.py",
                "# TODO: retry", "x = 1  # FIXME later", "y = 2  # XXX", "# HACK around #123", "# todos are fine"))
                .extracting(f -> f.rule() + "@" + f.line() + " " + f.severity().wireName())
                .containsExactly("todo-comment@1 info", "todo-comment@2 info", "todo-comment@3 info",
                        "todo-comment@4 info");
    }

    @Test
    void changedSourceWithoutAChangedTestIsReportedOncePerFile() {
        String diff = Diffs.newFile("src/main/java/A.java", "package a;", "class A {}")
                + Diffs.newFile("src/main/java/B.java", "package a;", "class B {}")
                + Diffs.newFile("README.md", "docs");
        assertThat(Diffs.findings(ReviewKind.STYLE, diff)).containsExactly("missing-test@1", "missing-test@1");
    }

    @Test
    void aChangedTestAnywhereInThePullRequestIsEnough() {
        for (String test : new String[] {"src/test/java/ATest.java", "tests/test_a.py", "pkg/a_test.go",
            "web/a.spec.ts", "src/__tests__/a.js", "src/it/java/AIT.java"}) {
            String diff = Diffs.newFile("src/main/java/A.java", "class A {}") + Diffs.newFile(test, "x = 1");
            assertThat(Diffs.findings(ReviewKind.STYLE, diff)).as(test).isEmpty();
        }
    }
}
