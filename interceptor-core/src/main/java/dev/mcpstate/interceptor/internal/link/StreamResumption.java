package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.internal.chain.Exchange;
import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.chain.Interceptor;
import dev.mcpstate.interceptor.internal.http.ClientDisconnects;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.internal.observe.FilterMetrics;
import dev.mcpstate.interceptor.internal.resume.StreamFollower;
import dev.mcpstate.interceptor.internal.resume.StreamHub;
import dev.mcpstate.interceptor.internal.resume.StreamIds;
import dev.mcpstate.interceptor.sse.SseFrames;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Answers every GET of a session from the store; the SDK never sees it.
 *
 * <ul>
 *   <li>GET with {@code Last-Event-ID}: replays exactly the server-to-client events after that id, on that
 *       stream only, then continues live — until the final response of a response stream, or indefinitely on the
 *       listening stream (spec 2025-11-25, "Resumability and Redelivery"). A malformed id: {@code 400}; an id
 *       this session does not know (never issued, or its stream was removed by retention after it closed):
 *       {@code 410 Gone}, not {@code 404}, because a {@code 404} tells the client that the session itself is gone
 *       and that it must start a new one (spec 2025-11-25, "Session Management"), while this session stays valid;
 *       all with a JSON-RPC error body.</li>
 *   <li>GET without it: opens the session's listening stream from its current end.</li>
 *   <li>{@code Accept} without {@code text/event-stream}: {@code 406}.</li>
 * </ul>
 * One listening stream per session per node: a newer GET ends the older one, so each message is sent on one
 * stream only. Beyond {@code maxOpenStreams} open streams a GET gets {@code 503} with {@code Retry-After}. Clients
 * of protocol 2025-11-25 first receive a priming event. Streams are served by {@link StreamFollower}s, which hold no
 * thread while they wait: a shared pool runs them when there is something to send. A client that closes its
 * connection frees its place at once where the container tells ({@link ClientDisconnects}), else at the next write.
 */
public final class StreamResumption implements Interceptor {

    private final StreamHub hub;
    private final EventStore events;
    private final Executor pool;
    private final ScheduledExecutorService ticker;
    private final StreamFollower.Settings settings;
    private final Predicate<StreamInfo> abandoned;
    private final ConcurrentHashMap<String, StreamFollower> listening = new ConcurrentHashMap<>();
    /** How long a GET waits for a place when the node serves {@code maxOpenStreams} already. */
    private static final Duration ACQUIRE_WAIT = Duration.ofSeconds(1);

    private final Semaphore openStreams;
    private final int maxOpenStreams;
    private final int retryAfterSeconds;
    private final FilterMetrics metrics;

    /**
     * @param hub       appends and wake-ups; not null
     * @param pool      runs the followers' work, shared by all open GETs; not null
     * @param ticker    schedules the followers' poll ticks; not null
     * @param settings  follower timing; not null
     * @param abandoned tells whether an open response stream's producer is gone; not null
     * @param maxOpenStreams    most streams served at once; more get {@code 503}
     * @param retryAfterSeconds the {@code Retry-After} of that 503
     * @param metrics           counts replayed events; not null
     */
    public StreamResumption(StreamHub hub, Executor pool, ScheduledExecutorService ticker,
            StreamFollower.Settings settings,
            Predicate<StreamInfo> abandoned, int maxOpenStreams, int retryAfterSeconds, FilterMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
        this.openStreams = new Semaphore(maxOpenStreams);
        this.maxOpenStreams = maxOpenStreams;
        this.retryAfterSeconds = retryAfterSeconds;
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
        this.events = hub.events();
        this.pool = Objects.requireNonNull(pool, "pool must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.abandoned = Objects.requireNonNull(abandoned, "abandoned must not be null");
    }

    @Override
    public void intercept(Chain chain) throws IOException, ServletException {
        Exchange exchange = chain.exchange();
        SessionRecord session = exchange.session();
        if (!"GET".equals(exchange.request().getMethod()) || session == null) {
            chain.proceed();
            return;
        }
        HttpServletResponse response = exchange.response();
        String accept = exchange.request().getHeader("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            JsonRpcErrors.send(response, 406, null, ErrorCodes.BAD_REQUEST,
                    "Not acceptable: a GET must accept text/event-stream");
            return;
        }
        String sessionId = session.sessionId();
        String lastEventId = exchange.request().getHeader(Headers.LAST_EVENT_ID);
        StreamInfo stream;
        String after;
        if (lastEventId != null) {
            EventId id;
            try {
                id = EventId.parse(lastEventId.trim());
            } catch (IllegalArgumentException e) {
                JsonRpcErrors.send(response, 400, null, ErrorCodes.BAD_REQUEST,
                        "Malformed Last-Event-ID: expected <streamId>:<entryId> as sent by this server");
                return;
            }
            Optional<StreamInfo> known = events.stream(sessionId, id.streamId());
            if (known.isEmpty() || !events.isKnownPosition(sessionId, id.streamId(), id.entryId())) {
                JsonRpcErrors.send(response, 410, null, ErrorCodes.BAD_REQUEST,
                        "Last-Event-ID " + id + " is not known to this session (never issued, or its stream was"
                                + " removed after it closed): that stream cannot be resumed; the session stays valid");
                return;
            }
            stream = known.get();
            after = id.entryId();
        } else {
            stream = events.stream(sessionId, StreamIds.LISTENING).orElse(null);
            if (stream == null) {
                JsonRpcErrors.send(response, 404, null, ErrorCodes.NOT_FOUND,
                        "This session has no listening stream");
                return;
            }
            after = events.lastEntryId(sessionId, StreamIds.LISTENING);
        }
        serve(exchange, stream, after, lastEventId != null);
    }

    private void serve(Exchange exchange, StreamInfo stream, String after, boolean replay) throws IOException {
        HttpServletResponse response = exchange.response();
        if (stream.kind() == StreamKind.LISTENING) {
            StreamFollower previous = listening.get(stream.sessionId());
            if (previous != null) {
                previous.stop(); // frees its place: the newer GET of the same session replaces it
            }
        }
        if (!acquire()) {
            exchange.unavailable(Exchange.Unavailable.STREAMS_LIMIT);
            response.setHeader(Headers.RETRY_AFTER, Integer.toString(retryAfterSeconds));
            JsonRpcErrors.send(response, 503, null, ErrorCodes.BAD_REQUEST,
                    "This node serves too many streams; retry in " + retryAfterSeconds + " s");
            return;
        }
        try {
            start(exchange, stream, after, replay);
        } catch (IOException | RuntimeException e) {
            openStreams.release();
            throw e;
        }
    }

    private void start(Exchange exchange, StreamInfo stream, String after, boolean replay) throws IOException {
        HttpServletResponse response = exchange.response();
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        StreamFollower[] self = new StreamFollower[1];
        ClientDisconnects.watch(exchange.request(), response, () -> self[0].stop());
        AsyncContext async = exchange.request().startAsync();
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        if (wantsPriming(exchange.protocolVersion())) {
            out.write(SseFrames.priming(new EventId(stream.streamId(), after).toString())
                    .getBytes(StandardCharsets.UTF_8));
        }
        response.flushBuffer();
        String key = stream.sessionId();
        StreamFollower follower = new StreamFollower(hub, stream, after, out, settings, abandoned, pool, ticker, () -> {
            openStreams.release();
            if (stream.kind() == StreamKind.LISTENING) {
                listening.remove(key, self[0]);
            }
            try {
                async.complete();
            } catch (IllegalStateException alreadyDone) {
                // the container completed it after a client error
            }
        }, replay ? metrics::replayed : null);
        self[0] = follower;
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                follower.stop();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                follower.stop();
            }

            @Override
            public void onError(AsyncEvent event) {
                follower.stop();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        if (stream.kind() == StreamKind.LISTENING) {
            StreamFollower previous = listening.put(key, follower);
            if (previous != null) {
                previous.stop();
            }
        }
        follower.start();
    }

    private boolean acquire() {
        try {
            return openStreams.tryAcquire(ACQUIRE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return how many streams this node serves now */
    public int openStreams() {
        return maxOpenStreams - openStreams.availablePermits();
    }

    /** Stops every follower, e.g. when the node shuts down. */
    public void stopAll() {
        listening.values().forEach(StreamFollower::stop);
    }

    /** @return true for protocol versions whose clients expect a priming event (2025-11-25 and later) */
    static boolean wantsPriming(String protocolVersion) {
        return protocolVersion != null && protocolVersion.compareTo("2025-11-25") >= 0;
    }
}
