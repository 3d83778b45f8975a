package dev.mcpstate.interceptor;

import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.interceptor.ops.McpStateMetrics;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.mcpstate.interceptor.FilterHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter's meters, recorded into a real Micrometer registry while real requests pass a real filter: operations
 * with their OpenTelemetry tags (timed until the SSE answer's end, not the filter's return), session ends, events,
 * replays, admissions, gauges, store calls and 503s by cause.
 */
class MetricsTest {

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    private FilterHarness start(String nodeId) {
        return FilterHarness.on(storage, clock).nodeId(nodeId).config(c -> c.meterRegistry(registry)).start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** @return the tags of every timer of that name, each as a sorted map, with its count */
    private Map<Map<String, String>, Long> timers(String name) {
        return registry.find(name).timers().stream().collect(Collectors.toMap(
                t -> tags(t), Timer::count, Long::sum));
    }

    /** @return the tags that apply (an empty value is an attribute that does not, as Prometheus reads it) */
    private static Map<String, String> tags(Meter meter) {
        return meter.getId().getTags().stream().filter(t -> !t.getValue().isEmpty())
                .collect(Collectors.toMap(Tag::getKey, Tag::getValue, (a, b) -> a, TreeMap::new));
    }

    @Test
    void everySeriesOfAMeterHasTheSameTagKeysAsPrometheusRequires() {
        node = start("node-a");
        String session = node.openSession();
        node.callTool(session, 1, "echo", "{\"text\":\"x\"}");
        node.callTool(session, 2, "no_such_tool", "{}");
        node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: unknown-session

                {"jsonrpc":"2.0","id":3,"method":"tools/list"}
                """);
        node.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: %s
                """.formatted(session));

        await().untilAsserted(() -> assertThat(timers(McpStateMetrics.OPERATION_DURATION).keySet())
                .anySatisfy(t -> assertThat(t).containsEntry(McpStateMetrics.TOOL, "echo"))
                .anySatisfy(t -> assertThat(t).containsEntry(McpStateMetrics.ERROR_TYPE, "404")));
        Map<String, Set<Set<String>>> keysByName = registry.getMeters().stream().collect(Collectors.groupingBy(
                m -> m.getId().getName(), Collectors.mapping(m -> m.getId().getTags().stream().map(Tag::getKey)
                        .collect(Collectors.toSet()), Collectors.toSet())));
        assertThat(keysByName.get(McpStateMetrics.OPERATION_DURATION)).as("initialize, a tool, an error, a 404")
                .hasSize(1);
        assertThat(keysByName).allSatisfy((name, keySets) -> assertThat(keySets).as(name).hasSize(1));
    }

    private double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aToolCallIsTimedWithItsMethodToolAndVersionUntilItsSseAnswerEnds() {
        node = start("node-a");
        String session = node.openSession();
        SseStream call = node.open(FilterHarness.toolCall(session, 1, "gate", "{}"));
        call.awaitMessages(1); // "gate open": the filter returned long ago, the answer has not ended
        Map<String, String> gate = Map.of(McpStateMetrics.METHOD, "tools/call", McpStateMetrics.TOOL, "gate",
                McpStateMetrics.OPERATION_NAME, "execute_tool", McpStateMetrics.PROTOCOL_VERSION, FilterHarness.PROTOCOL);
        assertThat(timers(McpStateMetrics.OPERATION_DURATION)).doesNotContainKey(new TreeMap<>(gate));

        node.gate().finish();
        call.awaitEnd();
        await().untilAsserted(() -> assertThat(timers(McpStateMetrics.OPERATION_DURATION))
                .containsEntry(new TreeMap<>(gate), 1L));
        assertThat(node.callTool(session, 2, "echo", "{\"text\":\"hi\"}").status()).isEqualTo(200);

        await().untilAsserted(() -> assertThat(timers(McpStateMetrics.OPERATION_DURATION))
                .containsEntry(new TreeMap<>(Map.of(McpStateMetrics.METHOD, "tools/call", McpStateMetrics.TOOL, "echo",
                        McpStateMetrics.OPERATION_NAME, "execute_tool",
                        McpStateMetrics.PROTOCOL_VERSION, FilterHarness.PROTOCOL)), 1L)
                .containsEntry(new TreeMap<>(Map.of(McpStateMetrics.METHOD, "initialize",
                        McpStateMetrics.PROTOCOL_VERSION, FilterHarness.PROTOCOL)), 1L)
                .containsEntry(new TreeMap<>(Map.of(McpStateMetrics.METHOD, "notifications/initialized",
                        McpStateMetrics.PROTOCOL_VERSION, FilterHarness.PROTOCOL)), 1L));
        Timer gateTimer = registry.find(McpStateMetrics.OPERATION_DURATION).tag(McpStateMetrics.TOOL, "gate").timer();
        assertThat(gateTimer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        // the request and the answer of each call, the initialize exchange, the notification, "gate open"
        assertThat(counter(McpStateMetrics.EVENTS_APPENDED, McpStateMetrics.DIRECTION, "client_to_server"))
                .isEqualTo(4);
        assertThat(counter(McpStateMetrics.EVENTS_APPENDED, McpStateMetrics.DIRECTION, "server_to_client"))
                .isEqualTo(4);
        Timer opens = registry.find(McpStateMetrics.STORE_OPERATION_DURATION)
                .tags(McpStateMetrics.DB_SYSTEM, "memory", McpStateMetrics.DB_OPERATION, "events.openResponseStream")
                .timer();
        assertThat(opens.count()).isEqualTo(2);
    }

    @Test
    void failuresCarryTheirErrorTypeAndClientChosenNamesAreBounded() {
        node = start("node-a");
        String session = node.openSession();
        HttpResult unknownTool = node.callTool(session, 1, "no_such_tool", "{}");
        String code = unknownTool.messages().get(unknownTool.messages().size() - 1).json().at("/error/code").asText();
        assertThat(code).startsWith("-");
        node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":2,"method":"made/up","params":{}}
                """.formatted(session));
        assertThat(node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: unknown-session

                {"jsonrpc":"2.0","id":3,"method":"tools/list"}
                """).status()).isEqualTo(404);

        await().untilAsserted(() -> assertThat(timers(McpStateMetrics.OPERATION_DURATION))
                .containsEntry(new TreeMap<>(Map.of(McpStateMetrics.METHOD, "tools/call",
                        McpStateMetrics.TOOL, McpStateMetrics.OTHER, McpStateMetrics.OPERATION_NAME, "execute_tool",
                        McpStateMetrics.PROTOCOL_VERSION, FilterHarness.PROTOCOL,
                        McpStateMetrics.ERROR_TYPE, code, McpStateMetrics.RPC_STATUS, code)), 1L)
                .containsEntry(new TreeMap<>(Map.of(McpStateMetrics.METHOD, "tools/list",
                        McpStateMetrics.ERROR_TYPE, "404")), 1L));
        assertThat(timers(McpStateMetrics.OPERATION_DURATION).keySet()).as("a made-up method, answered with an error")
                .anySatisfy(t -> assertThat(t).containsEntry(McpStateMetrics.METHOD, McpStateMetrics.OTHER)
                        .containsKey(McpStateMetrics.ERROR_TYPE));
        assertThat(registry.getMeters()).noneMatch(m -> tags(m).containsValue("no_such_tool")
                || tags(m).containsValue("made/up"));
    }

    @Test
    void sessionEndsAreTimedWhereTheyHappenDeleteAndExpiry() {
        node = start("node-a");
        String deleted = node.openSession();
        clock.advance(Duration.ofSeconds(42));
        assertThat(node.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: %s
                """.formatted(deleted)).status()).isEqualTo(200);
        String expiring = node.openSession();
        clock.advance(Duration.ofSeconds(7));
        node.callTool(expiring, 1, "echo", "{\"text\":\"last\"}");
        clock.advance(storage.config().sessionIdleTtl().plusSeconds(1));
        assertThat(node.callTool(expiring, 2, "echo", "{\"text\":\"too late\"}").status()).isEqualTo(404);

        Timer deletes = registry.find(McpStateMetrics.SESSION_DURATION).tag(McpStateMetrics.SESSION_END, "deleted")
                .timer();
        assertThat(deletes.count()).isEqualTo(1);
        assertThat(deletes.totalTime(TimeUnit.SECONDS)).isEqualTo(42);
        Timer expiries = registry.find(McpStateMetrics.SESSION_DURATION).tag(McpStateMetrics.SESSION_END, "expired")
                .tag(McpStateMetrics.PROTOCOL_VERSION, FilterHarness.PROTOCOL).timer();
        assertThat(expiries.count()).isEqualTo(1);
        assertThat(expiries.totalTime(TimeUnit.SECONDS)).as("until its last request").isEqualTo(7);
        assertThat(counter(McpStateMetrics.SESSIONS_EXPIRED)).isEqualTo(1);
    }

    @Test
    void retentionRecordsTheExpiryOfASessionThisNodeHolds() {
        node = start("node-a");
        node.openSession();
        clock.advance(storage.config().sessionIdleTtl().plusSeconds(1));
        node.filter().runRetention();
        assertThat(counter(McpStateMetrics.SESSIONS_EXPIRED)).isEqualTo(1);
        assertThat(registry.find(McpStateMetrics.SESSION_DURATION).tag(McpStateMetrics.SESSION_END, "expired")
                .timer().count()).isEqualTo(1);
        assertThat(node.filter().localSessionIds()).isEmpty();
        assertThat(counter(McpStateMetrics.SESSIONS_PURGED)).isEqualTo(1);
    }

    @Test
    void retentionCountsTheMessagesItTrims() {
        node = start("node-a");
        String session = node.openSession();
        node.callTool(session, 1, "count", "{\"n\":2}"); // the request, two progress messages, the answer
        clock.advance(storage.config().closedStreamMaxAge().plusSeconds(1));

        node.filter().runRetention();

        assertThat(counter(McpStateMetrics.EVENTS_TRIMMED)).isEqualTo(4);
        assertThat(counter(McpStateMetrics.SESSIONS_PURGED)).isZero();
    }

    @Test
    void gaugesCountThisNodesSessionsAndOpenStreamsAndAdmissionsAndReplaysAreCounted() {
        node = start("node-a");
        String session = node.openSession();
        HttpResult counted = node.callTool(session, 1, "count", "{\"n\":3}");
        String firstId = counted.messages().get(0).id();
        assertThat(registry.get(McpStateMetrics.SESSIONS_ACTIVE).gauge().value()).isEqualTo(1);

        try (SseStream replay = node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                Last-Event-ID: %s
                """.formatted(session, firstId))) {
            replay.awaitEnd(); // the two notifications after the first, then the result
        }
        assertThat(counter(McpStateMetrics.EVENTS_REPLAYED)).isEqualTo(3);
        try (SseStream listening = node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(session))) {
            await().untilAsserted(() -> assertThat(registry.get(McpStateMetrics.STREAMS_OPEN).gauge().value())
                    .isEqualTo(1));
        }
        await().untilAsserted(() -> assertThat(registry.get(McpStateMetrics.STREAMS_OPEN).gauge().value())
                .isZero());

        try (FilterHarness other = start("node-b")) {
            assertThat(other.callTool(session, 2, "echo", "{\"text\":\"moved\"}").status()).isEqualTo(200);
            assertThat(counter(McpStateMetrics.SESSIONS_ADMITTED)).isEqualTo(1);
            assertThat(registry.get(McpStateMetrics.SESSIONS_ACTIVE).gauge().value())
                    .as("both nodes on one registry: the gauge sums them").isEqualTo(2);
        }
        assertThat(registry.get(McpStateMetrics.SESSIONS_ACTIVE).gauge().value()).as("node-b stopped").isEqualTo(1);
    }

    @Test
    void unavailableRequestsAreCountedByCause() {
        FailingBackend failing = new FailingBackend(Storage.open(StorageConfig.inMemory(), clock).backend());
        node = FilterHarness.on(Storage.of(failing, StorageConfig.inMemory(), clock), clock)
                .config(c -> c.meterRegistry(registry).maxOpenStreams(1)).start();
        String session = node.openSession();
        failing.unavailable(true);
        assertThat(node.callTool(session, 1, "echo", "{}").status()).isEqualTo(503);
        failing.unavailable(false);
        try (SseStream first = node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(session))) {
            first.awaitFrames(frames -> true);
            String other = node.openSession();
            assertThat(node.send("""
                    GET /mcp HTTP/1.1
                    Accept: text/event-stream
                    Mcp-Session-Id: %s
                    """.formatted(other)).status()).isEqualTo(503);
        }
        node.filter().close();
        assertThat(node.callTool(session, 2, "echo", "{}").status()).isEqualTo(503);

        // recorded once the filter returns, which may be after the client read the answer
        await().untilAsserted(() -> assertThat(counter(McpStateMetrics.REQUESTS_UNAVAILABLE, McpStateMetrics.CAUSE,
                "not_started")).isEqualTo(1));
        assertThat(counter(McpStateMetrics.REQUESTS_UNAVAILABLE, McpStateMetrics.CAUSE, "store")).isEqualTo(1);
        assertThat(counter(McpStateMetrics.REQUESTS_UNAVAILABLE, McpStateMetrics.CAUSE, "streams_limit"))
                .isEqualTo(1);
        assertThat(timers(McpStateMetrics.OPERATION_DURATION).keySet())
                .filteredOn(t -> "503".equals(t.get(McpStateMetrics.ERROR_TYPE))).hasSize(1);
    }

    @Test
    void withoutARegistryNothingIsRecordedAndTheStorageIsNotWrapped() {
        node = FilterHarness.on(storage, clock).start();
        String session = node.openSession();
        assertThat(node.callTool(session, 1, "echo", "{\"text\":\"x\"}").status()).isEqualTo(200);
        assertThat(Metrics.globalRegistry.getMeters()).as("no meter falls back to Micrometer's global registry")
                .noneMatch(m -> m.getId().getName().startsWith("mcp"));
        FilterMetrics off = FilterMetrics.of(null);
        assertThat(off.enabled()).isFalse();
        assertThat(off.instrument(storage)).isSameAs(storage);
    }
}
