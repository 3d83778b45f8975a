package dev.mcpstate.demo.prreview.internal.review;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Performance checks of added lines; "in a loop" is what {@link LoopScanner} sees within a hunk:
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>rule</th><th>severity</th><th>finds</th></tr>
 *   <tr><td>{@code query-in-loop}</td><td>high</td><td>a database call once per iteration: the N+1 shape</td></tr>
 *   <tr><td>{@code io-in-loop}</td><td>medium</td><td>file or network I/O once per iteration</td></tr>
 *   <tr><td>{@code sleep}</td><td>medium</td><td>a blocking sleep</td></tr>
 *   <tr><td>{@code unbounded-collection}</td><td>medium</td><td>a static or module-level cache with no bound, or a
 *       read of every row or byte at once</td></tr>
 * </table>
 */
final class PerformanceReviewer extends RuleBasedReviewer {

    private static final Pattern QUERY = Pattern.compile(String.join("|",
            "\\.(?:executeQuery|executeUpdate|execute|query|queryForObject|queryForList|queryForMap|prepareStatement|"
                    + "findById|findOne|findBy\\w+|getById|get\\w+ById|load\\w*ById|fetch\\w*ById)\\s*\\(",
            "\\.(?:get|find|fetch|load)_\\w*by_id\\s*\\(",
            "\\bcursor\\.execute\\s*\\(",
            "\\.objects\\.(?:get|filter)\\s*\\(",
            "\\bsession\\.query\\s*\\(",
            "\\.Query(?:Row)?(?:Context)?\\s*\\(",
            "(?i)[\"'`]\\s*select\\s+[\\w*,.\\s]+\\s+from\\b"));
    private static final Pattern IO = Pattern.compile(String.join("|",
            "(?<![\\w.])open\\s*\\(",
            "new\\s+(?:FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile)\\s*\\(",
            "\\bFiles\\.(?:read\\w*|write\\w*|newBuffered\\w+|lines|copy)\\s*\\(",
            "\\brequests\\.(?:get|post|put|patch|delete|head)\\s*\\(",
            "\\burlopen\\s*\\(",
            "(?<![\\w.])fetch\\s*\\(",
            "\\baxios\\.\\w+\\s*\\(",
            "\\bhttp\\.(?:Get|Post|Head)\\s*\\(",
            "\\.openConnection\\s*\\(",
            "\\b(?:httpClient|client)\\.send(?:Async)?\\s*\\(",
            "\\bfs\\.(?:readFileSync|writeFileSync|appendFileSync|readFile|writeFile)\\s*\\(",
            "\\b(?:os|ioutil)\\.(?:ReadFile|WriteFile|Open)\\s*\\("));
    private static final Pattern SLEEP = Pattern.compile(String.join("|",
            "\\bThread\\.sleep\\s*\\(",
            "\\bTimeUnit\\.\\w+\\.sleep\\s*\\(",
            "\\btime\\.[Ss]leep\\s*\\(",
            "(?<![\\w.])sleep\\s*\\(\\s*\\d",
            "new\\s+Promise\\s*\\(\\s*\\(?\\s*\\w+\\s*\\)?\\s*=>\\s*setTimeout\\s*\\("));
    private static final Pattern STATIC_COLLECTION = Pattern.compile(
            "\\bstatic\\s+(?:final\\s+)?[\\w.]*(?:Map|List|Set|Queue|Deque|Collection)\\s*<[^;=]*>\\s+\\w+\\s*=\\s*"
                    + "new\\s+\\w+");
    private static final Pattern MODULE_COLLECTION = Pattern.compile(
            "(?i)^(?:(?:const|let|var)\\s+)?(\\w*(?:cache|seen|registry|history|buffer|pending|memo|results)\\w*)"
                    + "\\s*(?::\\s*[\\w\\[\\], ]+)?\\s*=\\s*(?:\\{\\}|\\[\\]|dict\\(\\)|list\\(\\)|set\\(\\)|"
                    + "defaultdict\\(.*\\)|OrderedDict\\(\\)|new\\s+(?:Map|Set|Array)\\(\\))\\s*;?\\s*(?:#.*|//.*)?$");
    private static final Pattern READ_ALL = Pattern.compile(
            "\\.fetchall\\s*\\(\\s*\\)|\\.readAllBytes\\s*\\(\\s*\\)|\\.readlines\\s*\\(\\s*\\)|\\.findAll\\s*\\(\\s*\\)");

    PerformanceReviewer() {
        super(List.of(
                LineRule.code("query-in-loop", Severity.HIGH, line -> line.inLoop()
                        && QUERY.matcher(line.loopText()).find()
                        ? "database call inside a loop (N+1 queries): one round trip per item; load them all in "
                                + "one query" : null),
                LineRule.code("io-in-loop", Severity.MEDIUM, line -> line.inLoop()
                        && !QUERY.matcher(line.loopText()).find() && IO.matcher(line.loopText()).find()
                        ? "I/O inside a loop: one round trip per item; batch it or move it out of the loop" : null),
                LineRule.code("sleep", Severity.MEDIUM, line -> SLEEP.matcher(line.text()).find()
                        ? (line.inLoop() ? "sleep inside a loop (polling)" : "blocking sleep")
                                + ": holds a thread and adds fixed latency; wait on a condition or schedule instead"
                        : null),
                LineRule.code("unbounded-collection", Severity.MEDIUM, PerformanceReviewer::unbounded)));
    }

    @Override
    public ReviewKind kind() {
        return ReviewKind.PERFORMANCE;
    }

    private static String unbounded(AddedLine line) {
        if (STATIC_COLLECTION.matcher(line.text()).find()) {
            return "static collection with no bound: it grows for the life of the process; bound it (a cache with "
                    + "a maximum size) or scope it to a request";
        }
        Matcher module = MODULE_COLLECTION.matcher(line.text());
        if (line.topLevel() && module.find()) {
            return "module-level '" + module.group(1) + "' with no bound: it grows for the life of the process; "
                    + "bound it (an LRU cache) or scope it to a request";
        }
        Matcher all = READ_ALL.matcher(line.text());
        if (all.find()) {
            return "'" + all.group().substring(1) + "' loads every row or byte into memory at once: page or stream "
                    + "it";
        }
        return null;
    }
}
