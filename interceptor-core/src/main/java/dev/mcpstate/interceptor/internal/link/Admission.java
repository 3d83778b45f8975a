package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.interceptor.internal.sdk.ListeningStreamTransport;
import dev.mcpstate.interceptor.internal.sdk.SdkSessions;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import jakarta.servlet.ServletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Makes sure this node's MCP SDK holds the session before the SDK sees the request.
 *
 * <p>A session that the store knows but this node's SDK does not (the node restarted, or another node created
 * it) is <em>admitted</em>: created in the SDK under its persisted {@code Mcp-Session-Id} with the client info and
 * capabilities of the original {@code initialize} ({@link SdkSessions#admit}). Its listening stream is attached
 * to the store, and an ACTIVE session also receives {@code notifications/initialized} once, as the client sent it
 * originally. Admission is single-flight per session on this node: concurrent first requests wait for one
 * admission. On every request the SDK session also gets the logging level stored with the session, which the
 * client may have set through another node.
 */
public final class Admission implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    private final SdkSessions sdk;
    private final Function<String, ListeningStreamTransport> listeningStreams;
    private final ConcurrentHashMap<String, Object> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong admittedCount = new AtomicLong();
    private final FilterMetrics metrics;

    /**
     * @param sdk              this node's SDK sessions; not null
     * @param listeningStreams makes the store-backed listening stream of a session; not null
     * @param metrics          counts admissions; not null
     */
    public Admission(SdkSessions sdk, Function<String, ListeningStreamTransport> listeningStreams,
            FilterMetrics metrics) {
        this.sdk = Objects.requireNonNull(sdk, "sdk must not be null");
        this.listeningStreams = Objects.requireNonNull(listeningStreams, "listeningStreams must not be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        SessionRecord session = chain.exchange().session();
        if (session != null && !sdk.contains(session.sessionId())) {
            admit(session);
        }
        if (session != null) {
            applyLoggingLevel(session);
        }
        chain.proceed();
    }

    /** Gives this node's SDK session the logging level the client set on whichever node it set it. */
    private void applyLoggingLevel(SessionRecord session) {
        McpSchema.LoggingLevel level = LoggingLevels.parse(session.loggingLevel());
        McpStreamableServerSession local = level == null ? null : sdk.get(session.sessionId());
        if (local != null) {
            local.setMinLoggingLevel(level);
        }
    }

    /** @return how many sessions this node admitted since it started */
    public long admittedCount() {
        return admittedCount.get();
    }

    /**
     * Admits a stored session into this node's SDK unless it is there already. Thread-safe, single-flight.
     *
     * @param session the stored session; not null
     */
    public void admit(SessionRecord session) {
        String id = session.sessionId();
        Object lock = inFlight.computeIfAbsent(id, k -> new Object());
        try {
            synchronized (lock) {
                if (sdk.contains(id)) {
                    return;
                }
                McpStreamableServerSession admitted = sdk.admit(id, session.initializeParams());
                sdk.attachListeningStream(id, listeningStreams.apply(id));
                if (session.status() == SessionStatus.ACTIVE) {
                    // the SDK's handler of this notification completes at once; nothing waits for it
                    admitted.accept(new McpSchema.JSONRPCNotification(McpSchema.METHOD_NOTIFICATION_INITIALIZED,
                            null)).subscribe(null, e -> log.warn("initialized notification not accepted: "
                                    + "session={} cause={}", id, e.toString()));
                }
                admittedCount.incrementAndGet();
                metrics.admitted();
                log.info("session admitted: session={} createdBy={} status={}", id, session.nodeId(),
                        session.status());
            }
        } finally {
            inFlight.remove(id, lock);
        }
    }
}
