package dev.mcpstate.interceptor.internal.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.http.OnComplete;
import dev.mcpstate.interceptor.ops.McpStateMetrics;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.Storage;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The meters of one filter ({@link McpStateMetrics} lists them), or none: {@link #of(MeterRegistry) of(null)} is a
 * no-op whose every method returns at once, so that a filter without a registry pays one branch per call site.
 *
 * <p>Hot path: the counters are registered once, when the filter is built; an operation's timer is looked up in a
 * map of this class by its tag values (method, tool, protocol version, error), registered on first use only. No
 * request builds tags or asks the registry for a meter once its kind of operation has been seen. Thread-safe.
 */
public final class FilterMetrics {

    /** OpenTelemetry's advice for both MCP durations: 10 ms to 5 min. */
    private static final double[] OTEL_BUCKETS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};
    /** Sessions last longer than requests: OpenTelemetry's buckets, then up to a day. */
    private static final double[] SESSION_BUCKETS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
        600, 1800, 3600, 7200, 14400, 28800, 86400};
    /** The methods a client sends (MCP 2025-11-25 and OpenTelemetry's list); others are {@value McpStateMetrics#OTHER}. */
    private static final Set<String> METHODS = Set.of("initialize", "ping", "tools/list", "tools/call",
            "resources/list", "resources/read", "resources/templates/list", "resources/subscribe",
            "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete", "logging/setLevel",
            "tasks/get", "tasks/result", "tasks/list", "tasks/cancel", "notifications/initialized",
            "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed",
            "notifications/tasks/status");
    /** Most tool (and prompt) names one filter records by name. */
    static final int MAX_NAMES = 1000;

    private static final FilterMetrics OFF = new FilterMetrics(null);

    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter appendedFromClient;
    private final Counter appendedFromServer;
    private final Counter admitted;
    private final Counter expired;
    private final Counter replayed;
    private final Counter purged;
    private final Counter trimmed;
    private final Counter[] unavailable;
    private final ConcurrentHashMap<OperationKey, Timer> operations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SessionKey, Timer> sessions = new ConcurrentHashMap<>();
    private final Set<String> tools = ConcurrentHashMap.newKeySet();
    private final Set<String> prompts = ConcurrentHashMap.newKeySet();

    private FilterMetrics(MeterRegistry registry) {
        this.registry = registry;
        if (registry == null) {
            clock = null;
            appendedFromClient = appendedFromServer = admitted = expired = replayed = purged = trimmed = null;
            unavailable = null;
            return;
        }
        clock = registry.config().clock();
        appendedFromClient = counter(McpStateMetrics.EVENTS_APPENDED, "Messages this node stored",
                McpStateMetrics.DIRECTION, "client_to_server");
        appendedFromServer = counter(McpStateMetrics.EVENTS_APPENDED, "Messages this node stored",
                McpStateMetrics.DIRECTION, "server_to_client");
        admitted = counter(McpStateMetrics.SESSIONS_ADMITTED, "Stored sessions admitted into this node's SDK");
        expired = counter(McpStateMetrics.SESSIONS_EXPIRED, "Sessions this node found idle past their TTL");
        replayed = counter(McpStateMetrics.EVENTS_REPLAYED, "Stored messages sent again after a Last-Event-ID");
        purged = counter(McpStateMetrics.SESSIONS_PURGED, "Sessions this node's retention deleted from the store");
        trimmed = counter(McpStateMetrics.EVENTS_TRIMMED, "Stored messages this node's retention removed");
        Exchange.Unavailable[] causes = Exchange.Unavailable.values();
        unavailable = new Counter[causes.length];
        for (Exchange.Unavailable cause : causes) {
            unavailable[cause.ordinal()] = counter(McpStateMetrics.REQUESTS_UNAVAILABLE,
                    "Requests answered 503, or SSE answers ended by a store fault", McpStateMetrics.CAUSE, cause.tag());
        }
    }

    /**
     * @param registry where to record; null records nothing
     * @return the meters of one filter
     */
    public static FilterMetrics of(MeterRegistry registry) {
        return registry == null ? OFF : new FilterMetrics(registry);
    }

    /** @return false when nothing is recorded */
    public boolean enabled() {
        return registry != null;
    }

    /** @return now in the registry's monotonic nanoseconds; 0 when nothing is recorded */
    public long now() {
        return registry == null ? 0 : clock.monotonicTime();
    }

    /** @return {@code storage} with its store calls timed, or {@code storage} itself when nothing is recorded */
    public Storage instrument(Storage storage) {
        return registry == null ? storage : TimedStorage.wrap(storage, registry);
    }

    /**
     * Adds this node's gauges, summed with those of other filters on the same registry.
     *
     * @param sessionsActive the sessions this node's SDK holds; called at each scrape, must be cheap
     * @param streamsOpen    the SSE streams this node serves
     * @return removes this node's contribution again (when the node stops)
     */
    public Runnable gauges(IntSupplier sessionsActive, IntSupplier streamsOpen) {
        if (registry == null) {
            return () -> { };
        }
        Runnable sessionsGone = SummedGauge.add(registry, McpStateMetrics.SESSIONS_ACTIVE,
                "Sessions this node's SDK holds", sessionsActive);
        Runnable streamsGone = SummedGauge.add(registry, McpStateMetrics.STREAMS_OPEN,
                "SSE streams (GETs) this node serves", streamsOpen);
        return () -> {
            sessionsGone.run();
            streamsGone.run();
        };
    }

    /** Counts one stored message. */
    public void appended(Direction direction) {
        if (registry != null) {
            (direction == Direction.CLIENT_TO_SERVER ? appendedFromClient : appendedFromServer).increment();
        }
    }

    /** Counts a stored session admitted into this node's SDK. */
    public void admitted() {
        if (registry != null) {
            admitted.increment();
        }
    }

    /** Counts sessions retention purged from the store with their events. */
    public void purged(int sessions) {
        if (registry != null && sessions > 0) {
            purged.increment(sessions);
        }
    }

    /** Counts messages retention trimmed; a negative count (the backend cannot count them) counts nothing. */
    public void trimmed(long events) {
        if (registry != null && events > 0) {
            trimmed.increment(events);
        }
    }

    /** Counts stored messages sent again after a {@code Last-Event-ID}. */
    public void replayed(int count) {
        if (registry != null && count > 0) {
            replayed.increment(count);
        }
    }

    /**
     * Records a session's end: its duration ({@value McpStateMetrics#SESSION_DURATION}) and, when it expired, the
     * expiry count. Call once per end, on the node that made it (the one whose status change took effect).
     *
     * @param session the session as stored before it ended; not null
     * @param endedAt when it ended: the DELETE, or for an expired session its last request
     * @param expiry  true when it expired, false when the client deleted it
     */
    public void sessionEnded(SessionRecord session, Instant endedAt, boolean expiry) {
        if (registry == null) {
            return;
        }
        if (expiry) {
            expired.increment();
        }
        String version = session.protocolVersion();
        SessionKey key = new SessionKey(version != null && RequestIds.isSane(version) ? version : null, expiry);
        Duration lasted = Duration.between(session.createdAt(), endedAt);
        sessions.computeIfAbsent(key, this::sessionTimer).record(lasted.isNegative() ? Duration.ZERO : lasted);
    }

    /**
     * The filter is done with a request on its thread: records its operation and whether it was unavailable — now,
     * or when its asynchronous response completes (an SSE answer ends after the filter returned).
     *
     * @param request  the container's request; not null
     * @param exchange the exchange; not null
     */
    public void finished(HttpServletRequest request, Exchange exchange) {
        if (registry == null) {
            return;
        }
        if (exchange.method() == null || !request.isAsyncStarted()) {
            record(exchange);
            return;
        }
        request.getAsyncContext().addListener(new OnComplete(() -> record(exchange)));
    }

    private void record(Exchange exchange) {
        Exchange.Unavailable cause = exchange.unavailable();
        if (cause != null) {
            unavailable[cause.ordinal()].increment();
        }
        String method = exchange.method();
        if (method == null) {
            return; // not a POSTed request or notification: GET streams, DELETE, responses, unparsable bodies
        }
        long took = clock.monotonicTime() - exchange.startedNanos();
        int status = exchange.response().getStatus();
        String error = null;
        String rpcStatus = null;
        if (status >= 400) {
            error = Integer.toString(status);
        } else if (exchange.rpcErrorCode() != null) {
            error = rpcStatus = exchange.rpcErrorCode();
        } else if (exchange.toolError()) {
            error = "tool_error";
        }
        boolean succeeded = status < 400 && rpcStatus == null;
        String known = METHODS.contains(method) ? method : McpStateMetrics.OTHER;
        String tool = "tools/call".equals(known) ? target(exchange.message(), tools, succeeded) : null;
        String prompt = "prompts/get".equals(known) ? target(exchange.message(), prompts, succeeded) : null;
        SessionRecord session = exchange.session();
        String version = session == null || !RequestIds.isSane(session.protocolVersion()) ? null
                : session.protocolVersion();
        operations.computeIfAbsent(new OperationKey(known, tool, prompt, version, error, rpcStatus),
                this::operationTimer).record(took, TimeUnit.NANOSECONDS);
    }

    /** @return the tool or prompt name of a request as a tag value: known names as such, others {@code _OTHER} */
    private static String target(JsonNode message, Set<String> known, boolean succeeded) {
        JsonNode name = message == null ? null : message.path("params").get("name");
        String text = name == null || !name.isTextual() ? null : name.asText();
        if (text == null || !isToolName(text)) {
            return McpStateMetrics.OTHER;
        }
        if (known.contains(text)) {
            return text;
        }
        // a name the server answered with a result is one of its own; an unknown one gets an error
        if (succeeded && known.size() < MAX_NAMES) {
            known.add(text);
            return text;
        }
        return McpStateMetrics.OTHER;
    }

    /** @return true for 1 to 128 of {@code A-Za-z0-9_.-} (MCP 2025-11-25, tool names) */
    static boolean isToolName(String name) {
        return name.length() <= 128 && RequestIds.isSane(name) && name.indexOf(':') < 0;
    }

    private Timer operationTimer(OperationKey key) {
        // every series of a meter carries the same tag keys, an absent attribute as an empty value: Prometheus
        // registries before Micrometer 1.17 (Spring Boot 4.0's) drop a series whose keys differ from the first one
        Tags tags = Tags.of(McpStateMetrics.METHOD, key.method())
                .and(McpStateMetrics.TOOL, orEmpty(key.tool()))
                .and(McpStateMetrics.OPERATION_NAME, key.tool() != null ? "execute_tool" : "")
                .and(McpStateMetrics.PROMPT, orEmpty(key.prompt()))
                .and(McpStateMetrics.PROTOCOL_VERSION, orEmpty(key.version()))
                .and(McpStateMetrics.ERROR_TYPE, orEmpty(key.error()))
                .and(McpStateMetrics.RPC_STATUS, orEmpty(key.rpcStatus()));
        return Timer.builder(McpStateMetrics.OPERATION_DURATION)
                .description("MCP request or notification duration, from its arrival until the result or ack is sent")
                .tags(tags).serviceLevelObjectives(TimedStorage.seconds(OTEL_BUCKETS)).register(registry);
    }

    private Timer sessionTimer(SessionKey key) {
        Tags tags = Tags.of(McpStateMetrics.SESSION_END, key.expired() ? "expired" : "deleted")
                .and(McpStateMetrics.PROTOCOL_VERSION, orEmpty(key.version()));
        return Timer.builder(McpStateMetrics.SESSION_DURATION)
                .description("MCP session duration, from initialize to its DELETE or its last request before expiry")
                .tags(tags).serviceLevelObjectives(TimedStorage.seconds(SESSION_BUCKETS)).register(registry);
    }

    /** @return the value, or the empty tag value that stands for an attribute that does not apply */
    static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private record OperationKey(String method, String tool, String prompt, String version, String error,
            String rpcStatus) {
    }

    private record SessionKey(String version, boolean expired) {
    }
}
