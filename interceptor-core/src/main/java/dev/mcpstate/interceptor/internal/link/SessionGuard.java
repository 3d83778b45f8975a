package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.internal.SessionCache;
import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Exchange.MessageKind;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.SessionStore;
import jakarta.servlet.ServletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Admits only requests of live sessions, on every node alike (spec 2025-11-25, "Session Management").
 *
 * <ul>
 *   <li>{@code initialize} needs no session and passes.</li>
 *   <li>Any other request without {@code Mcp-Session-Id}: {@code 400}.</li>
 *   <li>A session the store does not know, that is CLOSED or EXPIRED, or idle longer than its TTL (then marked
 *       EXPIRED and announced as ended to every node): {@code 404}, so the client starts a new session.</li>
 *   <li>A session bound to another principal: {@code 404} too, so its existence does not leak.</li>
 * </ul>
 * A warm session's POSTed requests are served from the node's {@link SessionCache}, without a store read: their
 * first store write checks again that the session is live, atomically (so a session ended on another node gets 404
 * there, whatever this node remembers). Every other message (notifications, responses, GET, DELETE) reads the
 * store, as does a request when the cache has no record or the remembered one looks idle too long (another node
 * may have seen the session since). A live session's last-seen time is refreshed without waiting, at most once per {@code touchInterval}.
 */
public final class SessionGuard implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(SessionGuard.class);

    private final SessionStore sessions;
    private final SessionCache cache;
    private final ClusterBus bus;
    private final Clock clock;
    private final Duration idleTtl;
    private final Duration touchInterval;
    private final FilterMetrics metrics;

    /**
     * @param sessions      the session store; not null
     * @param cache         this node's remembered sessions; not null
     * @param bus           tells every node when a session expires; not null
     * @param clock         the clock; not null
     * @param idleTtl       idle time after which a session expires; not null
     * @param touchInterval least time between two last-seen updates of one session; not null
     * @param metrics       records the sessions this link ends by expiry; not null
     */
    public SessionGuard(SessionStore sessions, SessionCache cache, ClusterBus bus, Clock clock, Duration idleTtl,
            Duration touchInterval, FilterMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
        this.sessions = Objects.requireNonNull(sessions, "sessions must not be null");
        this.cache = Objects.requireNonNull(cache, "cache must not be null");
        this.bus = Objects.requireNonNull(bus, "bus must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.idleTtl = Objects.requireNonNull(idleTtl, "idleTtl must not be null");
        this.touchInterval = Objects.requireNonNull(touchInterval, "touchInterval must not be null");
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        if (exchange.kind() == MessageKind.INITIALIZE) {
            chain.proceed();
            return;
        }
        String sessionId = exchange.sessionIdHeader();
        if (sessionId == null) {
            JsonRpcErrors.send(exchange.response(), 400, exchange.messageId(), ErrorCodes.BAD_REQUEST,
                    "Bad request: the Mcp-Session-Id header is required after initialize");
            return;
        }
        Instant now = clock.instant();
        // only requests get their liveness checked again by the store write that opens their response stream
        SessionRecord session = exchange.kind() == MessageKind.REQUEST ? cache.get(sessionId) : null;
        if (session == null || session.isExpiredAt(now, idleTtl)) {
            session = sessions.find(sessionId).orElse(null);
            if (session != null && !session.status().isTerminal()) {
                cache.put(session);
            }
        }
        if (session != null && !session.status().isTerminal() && session.isExpiredAt(now, idleTtl)) {
            if (sessions.updateStatus(sessionId, SessionStatus.EXPIRED)) {
                metrics.sessionEnded(session, session.lastSeenAt(), true);
            }
            session = session.withStatus(SessionStatus.EXPIRED);
            bus.publishSessionEnded(sessionId);
        }
        if (session == null || session.status().isTerminal()
                || !Objects.equals(session.principal(), exchange.principal())) {
            if (session != null && session.status().isTerminal()) {
                cache.invalidate(sessionId);
            }
            JsonRpcErrors.send(exchange.response(), 404, exchange.messageId(), ErrorCodes.NOT_FOUND,
                    "Session not found; it may have been closed or expired: start a new session with initialize");
            return;
        }
        if (!Duration.between(session.lastSeenAt(), now).minus(touchInterval).isNegative()) {
            session = session.withLastSeenAt(now);
            cache.put(session);
            sessions.touchAsync(sessionId, now).whenComplete((v, e) -> {
                if (e != null) {
                    log.warn("last-seen time not stored: session={} cause={}", sessionId, e.toString());
                }
            });
        }
        exchange.session(session);
        chain.proceed();
    }
}
