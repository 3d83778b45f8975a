package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.interceptor.internal.SessionCache;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.interceptor.internal.observe.RequestIds;
import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.resume.StreamIds;
import dev.mcpstate.interceptor.internal.sdk.ListeningStreamTransport;
import dev.mcpstate.interceptor.internal.sdk.SdkSessions;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.internal.Json;
import jakarta.servlet.ServletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * The last link before the SDK: moves the stored session through its lifecycle from what the SDK answered.
 *
 * <ul>
 *   <li>{@code initialize} answered 200 with an {@code Mcp-Session-Id}: the session is stored INITIALIZED with the
 *       server-issued id, client info and capabilities, the raw initialize params, the negotiated protocol
 *       version, the principal and this node's id; its listening stream is opened. If the store fails, the SDK
 *       session is dropped and the client gets 503 — never a session that exists only in memory.</li>
 *   <li>{@code notifications/initialized} accepted: ACTIVE.</li>
 *   <li>{@code logging/setLevel} with a valid level: the level is stored with the session before the SDK answers,
 *       and every node applies it ({@link Admission}) — the SDK keeps it in one node's memory only.</li>
 *   <li>DELETE answered 200: CLOSED; the session's streams and events are deleted, and every node drops its SDK
 *       copy and ends its followers ({@link ClusterBus#publishSessionEnded}).</li>
 * </ul>
 */
public final class Lifecycle implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final SessionStore sessions;
    private final SessionCache cache;
    private final StreamHub hub;
    private final SdkSessions sdk;
    private final Function<String, ListeningStreamTransport> listeningStreams;
    private final Clock clock;
    private final String nodeId;
    private final ClusterBus bus;
    private final FilterMetrics metrics;

    /**
     * @param sessions         the session store; not null
     * @param cache            this node's remembered sessions; not null
     * @param hub              the event store with wake-ups; not null
     * @param sdk              this node's SDK sessions; not null
     * @param listeningStreams makes a session's store-backed listening stream; not null
     * @param clock            the clock; not null
     * @param nodeId           this node's id; not null
     * @param bus              tells every node when a session ends; its owner tags the streams; not null
     * @param metrics          records the sessions DELETE ends; not null
     */
    public Lifecycle(SessionStore sessions, SessionCache cache, StreamHub hub, SdkSessions sdk,
            Function<String, ListeningStreamTransport> listeningStreams, Clock clock, String nodeId,
            ClusterBus bus, FilterMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
        this.bus = Objects.requireNonNull(bus, "bus must not be null");
        this.sessions = Objects.requireNonNull(sessions, "sessions must not be null");
        this.cache = Objects.requireNonNull(cache, "cache must not be null");
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
        this.sdk = Objects.requireNonNull(sdk, "sdk must not be null");
        this.listeningStreams = Objects.requireNonNull(listeningStreams, "listeningStreams must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId must not be null");
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        if (exchange.kind() == MessageKind.REQUEST && "logging/setLevel".equals(exchange.method())
                && exchange.session() != null) {
            // stored before the SDK answers, so the level is in force on every node once the client has the result
            String level = exchange.message().path("params").path("level").asText("");
            if (LoggingLevels.parse(level) != null) {
                sessions.updateLoggingLevel(exchange.session().sessionId(), level);
                changed(exchange.session().sessionId());
            }
        }
        chain.proceed();
        int status = exchange.response().getStatus();
        if (exchange.kind() == MessageKind.INITIALIZE && status == 200) {
            initialized(exchange);
        } else if (exchange.kind() == MessageKind.NOTIFICATION && status == 202
                && "notifications/initialized".equals(exchange.method()) && exchange.session() != null) {
            sessions.updateStatus(exchange.session().sessionId(), SessionStatus.ACTIVE);
            changed(exchange.session().sessionId());
        } else if ("DELETE".equals(exchange.request().getMethod()) && status == 200 && exchange.session() != null) {
            closed(exchange.session());
        }
    }

    /** This node forgets its record of the session, then tells the other nodes to forget theirs. */
    private void changed(String sessionId) {
        cache.invalidate(sessionId);
        bus.publishSessionChanged(sessionId);
    }

    private void initialized(Exchange exchange) {
        String sessionId = exchange.response().getHeader(Headers.MCP_SESSION_ID);
        if (sessionId == null || exchange.capture() == null) {
            return;
        }
        JsonNode result = parse(exchange.capture().bufferedBody()).path("result");
        JsonNode params = exchange.message().path("params");
        Instant now = clock.instant();
        SessionRecord record = new SessionRecord(sessionId, SessionStatus.INITIALIZED,
                text(result.get("protocolVersion")), json(params.get("clientInfo")),
                json(params.get("capabilities")), params.isObject() ? params.toString() : "{}",
                exchange.principal(), nodeId, now, now);
        try {
            sessions.save(record);
            hub.events().openStream(sessionId, StreamIds.LISTENING, StreamKind.LISTENING, bus.owner());
        } catch (StoreException e) {
            sdk.evict(sessionId);
            throw e;
        }
        sdk.attachListeningStream(sessionId, listeningStreams.apply(sessionId));
        cache.put(record);
        exchange.session(record);
        RequestIds.sessionInLogs(sessionId);
        log.info("session initialized: session={} protocolVersion={} node={}", sessionId,
                record.protocolVersion(), nodeId);
    }

    private void closed(SessionRecord session) {
        String sessionId = session.sessionId();
        if (sessions.updateStatus(sessionId, SessionStatus.CLOSED)) {
            metrics.sessionEnded(session, clock.instant(), false);
        }
        hub.events().deleteSession(sessionId);
        bus.publishSessionEnded(sessionId);
        log.info("session closed: session={}", sessionId);
    }

    private static JsonNode parse(byte[] body) {
        JsonNode parsed = Json.parseOrNull(body);
        return parsed == null ? Json.MAPPER.missingNode() : parsed;
    }

    private static String text(JsonNode node) {
        return node == null || !node.isTextual() ? null : node.asText();
    }

    private static String json(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }
}
