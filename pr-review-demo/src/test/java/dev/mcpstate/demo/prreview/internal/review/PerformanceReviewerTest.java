package dev.mcpstate.demo.prreview.internal.review;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PerformanceReviewerTest {

    @Test
    void queriesInsideJavaLoopsAreNPlusOne() {
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("Report.java",
                "for (Long id : ids) {",
                "    Order o = orders.findById(id);",
                "    total += o.total();",
                "}",
                "Customer c = customers.findById(1L);",
                "ids.forEach(id -> repo.findById(id));")))
                .containsExactly("query-in-loop@2", "query-in-loop@6");
    }

    @Test
    void loopHeaderItselfRunsOnceAndABracelessBodyIsOneLine() {
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("A.java",
                "for (Order o : orderRepository.findAll())",
                "    total = total.add(repo.findById(o.id()).total());",
                "repo.findById(2L);")))
                .containsExactly("unbounded-collection@1", "query-in-loop@2");
    }

    @Test
    void pythonLoopsAndComprehensionsByIndentation() {
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("sync.py",
                "def sync(ids):",
                "    for i in ids:",
                "        row = cursor.execute(\"SELECT * FROM t WHERE id = ?\", (i,))",
                "",
                "        requests.post(URL, json=row)",
                "    users = [db.get_user_by_id(i) for i in ids]",
                "    requests.post(URL, json=users)")))
                .containsExactly("query-in-loop@3", "io-in-loop@5", "query-in-loop@6");
    }

    @Test
    void ioInsideLoopsInJavaScriptAndGo() {
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("hook.js",
                "for (const id of ids) {",
                "  await fetch(`/api/${id}`);",
                "}",
                "await fetch('/api/all');"))).containsExactly("io-in-loop@2");
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("read.go",
                "for _, name := range names {",
                "\tdata, _ := os.ReadFile(name)",
                "\tuse(data)",
                "}"))).containsExactly("io-in-loop@2");
    }

    @Test
    void loopsInsideContextLinesCountForAddedLines() {
        String diff = """
                diff --git a/Svc.java b/Svc.java
                --- a/Svc.java
                +++ b/Svc.java
                @@ -10,3 +10,4 @@
                     for (User u : users) {
                         u.touch();
                +        auditRepository.findByUserId(u.id());
                     }
                """;
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, diff)).containsExactly("query-in-loop@12");
    }

    @Test
    void bracesInStringsAndCommentsDoNotConfuseTheLoopTracking() {
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("A.java",
                "for (int i = 0; i < n; i++) {",
                "    log(\"}\"); // } not the end",
                "    repo.findById(i);",
                "}",
                "repo.findById(0);"))).containsExactly("query-in-loop@3");
    }

    @Test
    void sleepsAnywhereAndInLoops() {
        assertThat(Diffs.review(ReviewKind.PERFORMANCE, "Retry.java",
                "Thread.sleep(500);",
                "while (!done) {",
                "    TimeUnit.SECONDS.sleep(1);",
                "}"))
                .extracting(f -> f.rule() + "@" + f.line() + ":" + f.message().startsWith("sleep inside a loop"))
                .containsExactly("sleep@1:false", "sleep@3:true");
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("w.py", "time.sleep(2)")))
                .containsExactly("sleep@1");
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("w.js",
                "await new Promise(r => setTimeout(r, 1000));"))).containsExactly("sleep@1");
    }

    @Test
    void unboundedStaticAndModuleLevelCollections() {
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("Cache.java",
                "private static final Map<String, Report> CACHE = new HashMap<>();",
                "private final Map<String, Report> perRequest = new HashMap<>();",
                "static final List<String> NAMES = List.of(\"a\");")))
                .containsExactly("unbounded-collection@1");
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("cache.py",
                "_seen_ids = set()",
                "LIMIT = []",
                "def f():",
                "    results = []",
                "    return cursor.fetchall()")))
                .containsExactly("unbounded-collection@1", "unbounded-collection@5");
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("c.js",
                "const responseCache = new Map();"))).containsExactly("unbounded-collection@1");
    }

    @Test
    void cleanCodeHasNoFindings() {
        assertThat(Diffs.findings(ReviewKind.PERFORMANCE, Diffs.newFile("Ok.java",
                "List<Order> all = orders.findByIds(ids);",
                "for (Order o : all) {",
                "    total = total.add(o.total());",
                "}"))).isEmpty();
    }
}
