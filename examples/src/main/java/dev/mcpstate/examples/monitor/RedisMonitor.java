package dev.mcpstate.examples.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.examples.client.Cli;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.redis.RedisKeys;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A terminal monitor of the Redis store of an mcp-state cluster: the most recently seen sessions (id, status,
 * creating node, last seen, protocol version), each with its streams (kind, open or closed, owner node, event
 * count; listening streams first, then the most recently active) and its latest events across streams.
 * Refreshes every {@code --interval-ms} (polling, read-only); {@code --once} prints one snapshot and exits.
 *
 * <p>Reads the documented key layout of {@link RedisKeys}: session records and stream information through the
 * {@link Storage} API, the session index, event counts ({@code XLEN}) and latest events ({@code XREVRANGE}) on a
 * read-only Lettuce connection of its own.
 *
 * <p>Exit codes: {@link Cli#EXIT_OK}; {@link Cli#EXIT_FAILED} when Redis cannot be reached;
 * {@link Cli#EXIT_USAGE}.
 */
public final class RedisMonitor {

    /** The {@code --help} text. */
    public static final String USAGE = """
            Usage: java -cp examples/target/mcp-state-server.jar dev.mcpstate.examples.monitor.RedisMonitor \\
                     [--redis-url URL] [--prefix P] [--sessions N] [--streams N] [--events N]
                     [--interval-ms MS] [--once]

            Shows the sessions, streams and latest events mcp-state keeps in Redis, refreshed live.
            Read-only. Stop with Ctrl-C.

            Options:
              --redis-url URL    Redis of the cluster; default redis://127.0.0.1:6379
              --prefix P         key prefix (StorageConfig.redisKeyPrefix); default mcp
              --sessions N       most recently seen sessions to show, 1 to 1000; default 10
              --streams N        streams to show per session (listening first, then the most
                                 recently active), 1 to 1000; default 5
              --events N         latest events to show per session, 0 to 100; default 4
              --interval-ms MS   refresh interval, 100 to 60000; default 1000
              --once             print one snapshot and exit
              --help             print this text

            Exit codes: 0 done, 1 Redis unreachable, 2 bad arguments.
            """;

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final Storage storage;
    private final RedisCommands<String, String> redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final int maxSessions;
    private final int maxStreams;
    private final int maxEvents;

    private RedisMonitor(Storage storage, RedisCommands<String, String> redis, RedisKeys keys, Clock clock,
            int maxSessions, int maxStreams, int maxEvents) {
        this.storage = storage;
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.maxSessions = maxSessions;
        this.maxStreams = maxStreams;
        this.maxEvents = maxEvents;
    }

    /** Runs with the process's standard streams and exits with the exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the monitor: until the process stops, or one snapshot with {@code --once}.
     *
     * @param args the command line; not null
     * @param out  where snapshots go; not null
     * @param err  where errors and usage go; not null
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run(args, USAGE, Set.of("--redis-url", "--prefix", "--sessions", "--streams", "--events",
                "--interval-ms"),
                Set.of("--once"), RedisMonitor::monitor, out, err);
    }

    private static int monitor(Cli.Args args, PrintStream out) throws InterruptedException {
        String url = args.get("--redis-url", StorageConfig.DEFAULT_REDIS_URL);
        StorageConfig config;
        try {
            config = StorageConfig.redis(url).toBuilder()
                    .redisKeyPrefix(args.get("--prefix", StorageConfig.DEFAULT_REDIS_KEY_PREFIX)).build();
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        int sessions = args.integer("--sessions", 10, 1, 1000);
        int streams = args.integer("--streams", 5, 1, 1000);
        int events = args.integer("--events", 4, 0, 100);
        Duration interval = Duration.ofMillis(args.integer("--interval-ms", 1000, 100, 60_000));
        args.positionals(0, "no arguments");
        boolean clear = out == System.out && System.console() != null;
        Clock clock = Clock.systemUTC();
        RedisClient client = RedisClient.create(config.redisUrl());
        try (Storage storage = Storage.open(config, clock);
             StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisMonitor monitor = new RedisMonitor(storage, connection.sync(), new RedisKeys(config.redisKeyPrefix()),
                    clock, sessions, streams, events);
            if (args.has("--once")) {
                out.print(monitor.snapshot(config.redactedRedisUrl()));
                return Cli.EXIT_OK;
            }
            while (true) {
                String snapshot;
                try {
                    snapshot = monitor.snapshot(config.redactedRedisUrl());
                } catch (RuntimeException e) {
                    snapshot = "error: " + Cli.describe(e) + " (retrying)\n";
                }
                out.print(clear ? CLEAR_SCREEN + snapshot : snapshot);
                out.flush();
                Thread.sleep(interval.toMillis());
                out.println();
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** @return one snapshot of the store, as text lines */
    String snapshot(String where) {
        Instant now = clock.instant();
        long total = 0;
        List<ScoredValue<String>> recent = new ArrayList<>();
        for (String index : keys.everySessionIndex()) {
            total += redis.zcard(index);
            recent.addAll(redis.zrevrangeWithScores(index, 0, maxSessions - 1L));
        }
        recent.sort(Comparator.comparingDouble((ScoredValue<String> v) -> v.getScore()).reversed());
        recent = recent.subList(0, Math.min(maxSessions, recent.size()));
        StringBuilder text = new StringBuilder();
        text.append(String.format("mcp-state monitor  %s  prefix=%s  %s  sessions=%d (showing %d)%n", where,
                keys.prefix(), TIME.format(now), total, recent.size()));
        text.append(String.format("%-38s %-11s %-10s %-22s %s%n", "SESSION", "STATUS", "NODE", "LAST SEEN",
                "PROTOCOL"));
        for (ScoredValue<String> entry : recent) {
            appendSession(text, entry.getValue(), now);
        }
        return text.toString();
    }

    private void appendSession(StringBuilder text, String sessionId, Instant now) {
        Optional<SessionRecord> found = storage.sessions().find(sessionId);
        if (found.isEmpty()) {
            text.append(String.format("%-38s (record purged or expired)%n", sessionId));
            return;
        }
        SessionRecord s = found.get();
        text.append(String.format("%-38s %-11s %-10s %-22s %s%n", sessionId, s.status(), s.nodeId(),
                TIME.format(s.lastSeenAt()) + " (" + age(s.lastSeenAt(), now) + ")",
                s.protocolVersion() == null ? "-" : s.protocolVersion()));
        Set<String> streamIds = new TreeSet<>(redis.hkeys(keys.streams(sessionId)));
        streamIds.removeIf(field -> field.endsWith("#n")); // a stream's event count, not a stream
        streamIds.addAll(redis.smembers(keys.eventStreams(sessionId)));
        List<StreamView> streams = new ArrayList<>();
        for (String streamId : streamIds) {
            String eventsKey = keys.events(sessionId, streamId);
            List<LatestEvent> latest = redis.xrevrange(eventsKey, Range.unbounded(),
                    Limit.from(Math.max(1, maxEvents))).stream().map(m -> new LatestEvent(streamId, m)).toList();
            streams.add(new StreamView(streamId, storage.events().stream(sessionId, streamId), redis.xlen(eventsKey),
                    latest));
        }
        // listening streams first, then the most recently active
        streams.sort(Comparator.comparing((StreamView v) -> !v.listening())
                .thenComparing(Comparator.comparingLong(StreamView::lastSequence).reversed()));
        for (StreamView v : streams.subList(0, Math.min(maxStreams, streams.size()))) {
            text.append(String.format("    stream %-14s %-9s %-6s owner=%-20s events=%d%n", v.streamId(),
                    v.info().map(i -> i.kind().name().toLowerCase(Locale.ROOT)).orElse("-"),
                    v.info().map(i -> i.closed() ? "closed" : "open").orElse("-"),
                    v.info().map(StreamInfo::ownerNode).orElse("-"), v.length()));
        }
        if (streams.size() > maxStreams) {
            List<StreamView> older = streams.subList(maxStreams, streams.size());
            text.append(String.format("    ... %d older streams, %d events%n", older.size(),
                    older.stream().mapToLong(StreamView::length).sum()));
        }
        List<LatestEvent> latest = new ArrayList<>();
        streams.forEach(v -> latest.addAll(v.latest()));
        latest.sort(Comparator.comparingLong(LatestEvent::sequence).reversed());
        List<LatestEvent> shown = new ArrayList<>(latest.subList(0, Math.min(maxEvents, latest.size())));
        shown.sort(Comparator.comparingLong(LatestEvent::sequence));
        for (LatestEvent e : shown) {
            text.append(String.format("      %-22s %s %s %s%n", e.streamId() + ":" + e.message().getId(),
                    TIME.format(e.time()), e.direction(), e.summary()));
        }
    }

    private static String age(Instant then, Instant now) {
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        return seconds < 120 ? seconds + "s ago" : seconds / 60 + "m ago";
    }

    /**
     * One stream of a session as shown.
     *
     * @param info   what the store knows of it; empty for a stream with events but no stream record (a POSTed
     *               notification's)
     * @param length its number of events
     * @param latest its newest events, newest first
     */
    private record StreamView(String streamId, Optional<StreamInfo> info, long length, List<LatestEvent> latest) {

        boolean listening() {
            return info.map(i -> i.kind() == StreamKind.LISTENING).orElse(false);
        }

        long lastSequence() {
            return latest.isEmpty() ? -1 : latest.get(0).sequence();
        }
    }

    /** One entry of a session's events stream, as shown under the session. */
    private record LatestEvent(String streamId, StreamMessage<String, String> message) {

        /** @return the session-wide sequence number: the {@code <n>} of entry id {@code <n>-0} */
        long sequence() {
            String id = message.getId();
            int dash = id.indexOf('-');
            return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
        }

        Instant time() {
            String t = message.getBody().get("t");
            return t == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(t));
        }

        String direction() {
            return "CLIENT_TO_SERVER".equals(message.getBody().get("dir")) ? "c->s" : "s->c";
        }

        /** @return the method, or result/error and the request id, and the message shortened */
        String summary() {
            String msg = message.getBody().getOrDefault("msg", "");
            String kind;
            try {
                JsonNode json = JSON.readTree(msg);
                kind = json.has("method") ? json.get("method").asText()
                        : (json.has("error") ? "error" : "result") + " #" + json.path("id").asText();
            } catch (IOException e) {
                kind = "(not JSON)";
            }
            String compact = msg.length() > 70 ? msg.substring(0, 67) + "..." : msg;
            return String.format("%-24s %s", kind, compact);
        }
    }
}
