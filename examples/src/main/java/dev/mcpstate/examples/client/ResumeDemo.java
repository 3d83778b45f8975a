package dev.mcpstate.examples.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.EventId;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Demonstrates resumability (MCP spec 2025-11-25, "Resumability and Redelivery"): opens a session, calls
 * {@code slow_count} with a progress token over SSE, cuts the connection after {@code --cut-after} progress
 * events, resumes with {@code GET} + {@code Last-Event-ID} — through the load balancer, most likely on another
 * node, or explicitly on {@code --resume-url} — and prints the remaining events and the result. Then checks
 * that every progress and logging step arrived exactly once, in order, with unique increasing event ids.
 *
 * <p>Exit codes: {@link Cli#EXIT_OK} when the check passes; {@link Cli#EXIT_FAILED} when it finds a duplicate or
 * a gap, or the server fails; {@link Cli#EXIT_USAGE}.
 */
public final class ResumeDemo {

    /** The {@code --help} text. */
    public static final String USAGE = """
            Usage: java -cp examples/target/mcp-state-server.jar dev.mcpstate.examples.client.ResumeDemo \\
                     --url URL [--count N] [--cut-after K] [--interval-ms MS] [--resume-url URL]

            Starts slow_count over SSE, cuts the connection after K progress events, resumes with GET +
            Last-Event-ID (through the load balancer: most likely on another node), prints the remaining
            events and the result, and checks that nothing was duplicated or lost.

            Options:
              --url URL          MCP endpoint, e.g. http://127.0.0.1:3000/mcp (the load balancer); required
              --count N          slow_count steps, 2 to 10000; default 20
              --cut-after K      progress events to read before cutting, 1 to N-1; default 5
              --interval-ms MS   milliseconds between steps, 0 to 60000; default 200
              --resume-url URL   endpoint to resume on, e.g. another node; default --url
              --help             print this text

            Exit codes: 0 resumed without duplicate or gap, 1 duplicate, gap or failure, 2 bad arguments.
            """;

    private ResumeDemo() {
    }

    /** Runs with the process's standard streams and exits with the exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the demo.
     *
     * @param args the command line; not null
     * @param out  where the results go; not null
     * @param err  where errors and usage go; not null
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(args, USAGE, Set.of("--url", "--count", "--cut-after", "--interval-ms", "--resume-url"),
                Set.of(), ResumeDemo::demo, out, err);
    }

    private static int demo(Cli.Args args, PrintStream out) {
        URI url = args.url("--url");
        URI resumeUrl = Cli.httpUrl("--resume-url", args.get("--resume-url", url.toString()));
        int count = args.integer("--count", 20, 2, 10_000);
        int cutAfter = args.integer("--cut-after", 5, 1, count - 1);
        int interval = args.integer("--interval-ms", 200, 0, 60_000);
        args.positionals(0, "no arguments");

        List<SseEvent> received = new ArrayList<>();
        String lastEventId;
        McpHttpClient client = new McpHttpClient(url).open("mcp-state-resume-demo", "{}");
        out.println("session " + client.sessionId() + " initialized on " + client.openedOn());
        int requestId = client.nextId();
        try (McpHttpClient.Response stream = client.post(McpHttpClient.toolCall(requestId, "slow_count",
                "{\"count\":" + count + ",\"interval_ms\":" + interval + "}", "resume-demo"))) {
            if (!stream.isEventStream()) {
                throw new IllegalStateException("expected text/event-stream, got " + stream.status() + ": "
                        + stream.text());
            }
            out.println("slow_count(count=" + count + ", interval_ms=" + interval + ") streaming from "
                    + stream.node());
            lastEventId = readUntil(stream, out, received, requestId,
                    e -> isProgress(e) && received.stream().filter(ResumeDemo::isProgress).count() == cutAfter);
        }
        if (lastEventId == null) {
            throw new IllegalStateException("the server sent no event ids: the stream cannot be resumed");
        }
        out.println("-- cut the connection after " + cutAfter + " progress events; last event id: " + lastEventId);

        McpHttpClient resumer = new McpHttpClient(resumeUrl).adopt(client.sessionId());
        try (McpHttpClient.Response stream = resumer.get(lastEventId)) {
            out.println("-- resumed with GET Last-Event-ID: " + lastEventId + ", served by " + stream.node());
            readUntil(stream, out, received, requestId, e -> isFinal(e, requestId));
        }

        List<String> problems = check(received, count, requestId);
        if (problems.isEmpty()) {
            out.println("check: " + count + " progress + " + count
                    + " log events and the result, each exactly once, ids increasing: OK");
            return Cli.EXIT_OK;
        }
        problems.forEach(p -> out.println("check FAILED: " + p));
        return Cli.EXIT_FAILED;
    }

    /**
     * Reads, prints and collects the events of a stream until {@code last} accepts one (priming events are
     * printed, not collected nor tested).
     *
     * @return the id of the last event read, priming events included; null when none carried an id
     * @throws IllegalStateException when the stream ends first
     */
    private static String readUntil(McpHttpClient.Response stream, PrintStream out, List<SseEvent> received,
            int requestId, Predicate<SseEvent> last) {
        String lastId = null;
        while (true) {
            SseEvent e = stream.next();
            if (e == null) {
                throw new IllegalStateException("the stream ended early, after event " + lastId);
            }
            out.printf("  %-24s %s%n", e.id(), describe(e, requestId));
            lastId = e.id() == null ? lastId : e.id();
            if (!e.data().isEmpty()) {
                received.add(e);
                if (last.test(e)) {
                    return lastId;
                }
            }
        }
    }

    private static String describe(SseEvent e, int requestId) {
        if (e.data().isEmpty()) {
            return "(priming event)";
        }
        JsonNode json = Json.parseOrNull(e.data());
        String method = json.path("method").asText("");
        if (method.equals("notifications/progress")) {
            return "progress " + json.at("/params/progress").asInt() + "/" + json.at("/params/total").asInt();
        }
        if (method.equals("notifications/message")) {
            return "log      " + json.at("/params/data").asText();
        }
        if (isFinal(e, requestId)) {
            return json.has("error") ? "error    " + json.get("error")
                    : "result   " + json.at("/result/content/0/text").asText();
        }
        return json.toString();
    }

    private static boolean isProgress(SseEvent e) {
        return Json.parseOrNull(e.data()).path("method").asText("").equals("notifications/progress");
    }

    /** @return true when the event carries the final response (result or error) of the request */
    private static boolean isFinal(SseEvent e, int requestId) {
        JsonNode json = Json.parseOrNull(e.data());
        return json != null && !json.has("method") && json.path("id").asInt(-1) == requestId;
    }

    /**
     * Checks the events of a cut and resumed {@code slow_count} stream: ids present, unique and increasing in one
     * stream; progress {@code 1..count} and logging {@code step 1..count of count} each exactly once, in order;
     * exactly one result, {@code counted <count>}.
     *
     * @param events    the JSON-RPC events received before and after the cut, in arrival order; no priming events
     * @param count     the {@code count} argument of the call
     * @param requestId the JSON-RPC id of the call
     * @return what is wrong, one sentence per problem; empty when nothing is
     */
    public static List<String> check(List<SseEvent> events, int count, int requestId) {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        EventId previous = null;
        List<Integer> progress = new ArrayList<>();
        List<String> logs = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (SseEvent e : events) {
            if (e.id() == null || !ids.add(e.id())) {
                problems.add("event id " + e.id() + " is missing or repeated");
                continue;
            }
            EventId id = EventId.parse(e.id());
            if (previous != null && (!id.streamId().equals(previous.streamId())
                    || compareEntries(id.entryId(), previous.entryId()) <= 0)) {
                problems.add("event id " + id + " does not follow " + previous + " in the same stream");
            }
            previous = id;
            JsonNode json = Json.parseOrNull(e.data());
            switch (json.path("method").asText("")) {
                case "notifications/progress" -> progress.add(json.at("/params/progress").asInt());
                case "notifications/message" -> logs.add(json.at("/params/data").asText());
                default -> results.add(json.path("id").asInt(-1) == requestId
                        ? json.at("/result/content/0/text").asText() : json.toString());
            }
        }
        List<Integer> expectedProgress = IntStream.rangeClosed(1, count).boxed().toList();
        if (!progress.equals(expectedProgress)) {
            problems.add("progress steps were " + progress + ", expected 1.." + count);
        }
        List<String> expectedLogs = IntStream.rangeClosed(1, count).mapToObj(i -> "step " + i + " of " + count)
                .toList();
        if (!logs.equals(expectedLogs)) {
            problems.add("log steps were " + logs + ", expected step 1.." + count);
        }
        if (!results.equals(List.of("counted " + count))) {
            problems.add("results were " + results + ", expected [counted " + count + "]");
        }
        return problems;
    }

    /** Compares entry ids {@code <n>} (SQLite) or {@code <ms>-<seq>} (Redis Streams) numerically. */
    private static int compareEntries(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int first = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        if (first != 0) {
            return first;
        }
        return Long.compare(x.length > 1 ? Long.parseLong(x[1]) : 0, y.length > 1 ? Long.parseLong(y[1]) : 0);
    }
}
