package dev.mcpstate.interceptor.internal.resume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.sse.SseFrames;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.internal.Json;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Serves one SSE stream to a client from the {@link EventStore}: first the stored events after a position (a
 * {@code Last-Event-ID} replay), then new events as they are appended (live continuation), until the stream ends.
 *
 * <ul>
 *   <li>A {@link StreamKind#RESPONSE} stream ends after its last event once the store marks it closed. When its
 *       producer is gone ({@link #abandoned} says so, or nothing arrived for {@code responseIdleTimeout}), the
 *       follower ends it with a JSON-RPC error response for the request, code {@link ErrorCodes#STREAM_ABANDONED},
 *       so a client never waits forever.</li>
 *   <li>A {@link StreamKind#LISTENING} stream runs until the client leaves, the session ends, or {@link #stop()}.</li>
 * </ul>
 *
 * Only server-to-client events are sent; each with its stored event id. Idle streams get an SSE comment every
 * {@code keepAlive} so dead clients are noticed and proxies keep the connection open.
 *
 * <p><b>No thread per stream.</b> A follower holds no thread while it waits: it runs on a shared pool only when
 * something happened — an append it was woken for ({@link StreamHub#follow}), the client's connection became
 * writable again (non-blocking servlet output, {@link WriteListener}), or its poll tick (the fallback for wake-ups a
 * bus may lose, every {@code pollInterval}). At most one run of a follower is in progress at a time; wake-ups during
 * a run make it run once more. Thread-safe: {@link #stop()} and wake-ups may come from any thread.
 */
public final class StreamFollower {

    private static final Logger log = LoggerFactory.getLogger(StreamFollower.class);
    private static final int BATCH = 256;
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUN_AGAIN = 2;

    private final StreamHub hub;
    private final EventStore events;
    private final StreamInfo stream;
    private final ServletOutputStream out;
    private final Settings settings;
    private final Predicate<StreamInfo> abandoned;
    private final Executor pool;
    private final ScheduledExecutorService ticker;
    private final Runnable onFinish;
    /** Told how many stored events a replay sent, until the follower caught up; null when it starts at the end. */
    private final IntConsumer replayed;

    /** RUNNING until {@link #start} is done, so that no wake-up runs the follower before its output is set up. */
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    /** Set by wake-ups and poll ticks: the store may hold more than the cursor; cleared before each read. */
    private final AtomicBoolean changed = new AtomicBoolean(true);
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile StreamHub.Subscription subscription;
    private volatile ScheduledFuture<?> tick;

    // only touched by the one run in progress
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private boolean unflushed;
    private boolean ending;
    private boolean caughtUp;
    private String cursor;
    private Instant lastProgress;
    private Instant lastWrite;

    /**
     * How a follower waits.
     *
     * @param clock               the clock for keep-alives and idle timeouts; not null
     * @param pollInterval        longest time before the store is read again without a wake-up (a fallback)
     * @param keepAlive           idle time after which an SSE comment is sent
     * @param responseIdleTimeout how long an open response stream may stay silent before it counts as abandoned
     */
    public record Settings(Clock clock, Duration pollInterval, Duration keepAlive, Duration responseIdleTimeout) {
        public Settings {
            Objects.requireNonNull(clock, "clock must not be null");
            Objects.requireNonNull(pollInterval, "pollInterval must not be null");
            Objects.requireNonNull(keepAlive, "keepAlive must not be null");
            Objects.requireNonNull(responseIdleTimeout, "responseIdleTimeout must not be null");
        }
    }

    /**
     * @param hub       wakes this follower on appends; not null
     * @param stream    the stream to serve; not null
     * @param after     entry id to start after ({@link EventId#START} for the whole stream); not null
     * @param out       the client's response body, of a started async request, in blocking mode still; not null
     * @param settings  timing; not null
     * @param abandoned tells whether an open response stream's producer is gone for good; not null
     * @param pool      runs the follower's work (store reads, writes); shared by all followers; not null
     * @param ticker    schedules the poll ticks; not null
     * @param onFinish  runs once when the follower ends, e.g. to complete the async request; not null
     * @param replayed  told how many stored events each read sent until the follower caught up with the stream (a
     *                  {@code Last-Event-ID} replay); null for a follower that starts at the stream's end
     */
    public StreamFollower(StreamHub hub, StreamInfo stream, String after, ServletOutputStream out, Settings settings,
            Predicate<StreamInfo> abandoned, Executor pool, ScheduledExecutorService ticker, Runnable onFinish,
            IntConsumer replayed) {
        this.replayed = replayed;
        this.caughtUp = replayed == null;
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
        this.events = hub.events();
        this.stream = Objects.requireNonNull(stream, "stream must not be null");
        this.cursor = Objects.requireNonNull(after, "after must not be null");
        this.out = Objects.requireNonNull(out, "out must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.abandoned = Objects.requireNonNull(abandoned, "abandoned must not be null");
        this.pool = Objects.requireNonNull(pool, "pool must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
        this.onFinish = Objects.requireNonNull(onFinish, "onFinish must not be null");
    }

    /** @return the stream this follower serves */
    public StreamInfo stream() {
        return stream;
    }

    /**
     * Starts serving: follows the stream, switches the output to non-blocking mode (the container then calls for
     * the first run) and schedules the poll tick. Call once, on the request's thread.
     */
    public void start() {
        lastProgress = settings.clock().instant();
        lastWrite = lastProgress;
        subscription = hub.follow(stream.sessionId(), stream.streamId(), this::wake);
        long poll = settings.pollInterval().toMillis();
        tick = ticker.scheduleWithFixedDelay(this::wake, poll, poll, TimeUnit.MILLISECONDS);
        out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                signal();
            }

            @Override
            public void onError(Throwable t) {
                log.debug("follower ended, client went away: session={} stream={} cause={}", stream.sessionId(),
                        stream.streamId(), t.toString());
                stop();
            }
        });
        state.set(IDLE);
        signal(); // the first run: the replay (wake-ups meanwhile were held back and are covered by it)
    }

    /** Ends the follower soon; idempotent, any thread. */
    public void stop() {
        stopped = true;
        signal();
    }

    /** The store may have changed: run to read it. */
    private void wake() {
        changed.set(true);
        signal();
    }

    private void signal() {
        while (true) {
            int s = state.get();
            if (s == IDLE) {
                if (state.compareAndSet(IDLE, RUNNING)) {
                    try {
                        pool.execute(this::run);
                    } catch (RuntimeException rejected) { // pool shut down: the node stops
                        state.set(IDLE);
                        finish();
                    }
                    return;
                }
            } else if (s == RUNNING) {
                if (state.compareAndSet(RUNNING, RUN_AGAIN)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    private void run() {
        do {
            state.set(RUNNING);
            try {
                step();
            } catch (IOException clientGone) {
                log.debug("follower ended, client went away: session={} stream={}", stream.sessionId(),
                        stream.streamId());
                finish();
            } catch (RuntimeException e) {
                log.warn("follower failed: session={} stream={} cause={}", stream.sessionId(), stream.streamId(),
                        e.toString());
                finish();
            }
        } while (!state.compareAndSet(RUNNING, IDLE));
    }

    /** One run: write what is pending, read what is new, end when due. Returns early while the client is slow. */
    private void step() throws IOException {
        if (finished.get()) {
            return;
        }
        if (stopped) {
            finish();
            return;
        }
        if (!drain()) {
            return; // the container calls onWritePossible when the client took what is buffered
        }
        if (!ending && changed.getAndSet(false)) {
            read();
            if (!drain()) {
                return;
            }
        }
        if (ending) {
            finish();
            return;
        }
        Instant now = settings.clock().instant();
        if (!Duration.between(lastWrite, now).minus(settings.keepAlive()).isNegative()) {
            queue(SseFrames.keepAlive());
            drain();
        }
    }

    /** Reads the next batch after the cursor; queues its frames, or the end of the stream. */
    private void read() {
        String sessionId = stream.sessionId();
        String streamId = stream.streamId();
        StreamInfo now = events.stream(sessionId, streamId).orElse(null);
        boolean closed = now == null || now.closed();
        List<StoredEvent> batch = events.readAfter(sessionId, streamId, cursor, BATCH);
        if (!batch.isEmpty()) {
            int sent = 0;
            for (StoredEvent event : batch) {
                cursor = event.id().entryId();
                if (event.direction() == Direction.SERVER_TO_CLIENT) {
                    queue(SseFrames.message(event.id().toString(), event.message()));
                    sent++;
                }
            }
            if (!caughtUp) {
                replayed.accept(sent);
                caughtUp = batch.size() < BATCH;
            }
            lastProgress = settings.clock().instant();
            if (batch.size() == BATCH) {
                changed.set(true); // more may follow the batch: read again after it is written
                signal();
            } else if (closed) {
                ending = true; // closed was read before the events: the batch holds the stream's last event
            }
            return;
        }
        caughtUp = true;
        if (closed) {
            ending = true;
        } else if (stream.kind() == StreamKind.RESPONSE && isAbandoned(now)) {
            queue(abandonedError());
            ending = true;
        }
    }

    private void queue(String frame) {
        pending.add(frame.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes pending frames while the client's connection takes them, then flushes.
     *
     * @return true when everything is written and flushed; false when the output is not ready (a write is in
     *         progress: the container calls {@link WriteListener#onWritePossible} when it is done)
     */
    private boolean drain() throws IOException {
        while (!pending.isEmpty()) {
            if (!out.isReady()) {
                return false;
            }
            out.write(pending.poll());
            unflushed = true;
            lastWrite = settings.clock().instant();
        }
        if (unflushed) {
            if (!out.isReady()) {
                return false;
            }
            unflushed = false;
            out.flush();
            return out.isReady();
        }
        return true;
    }

    private boolean isAbandoned(StreamInfo info) {
        if (abandoned.test(info)) {
            return true;
        }
        Duration silent = Duration.between(lastProgress, settings.clock().instant());
        return silent.compareTo(settings.responseIdleTimeout()) >= 0;
    }

    private String abandonedError() {
        log.info("response stream abandoned by its producer: session={} stream={} owner={}",
                stream.sessionId(), stream.streamId(), stream.ownerNode());
        String body = new String(JsonRpcErrors.bytes(requestIdOfStream(), ErrorCodes.STREAM_ABANDONED,
                "The server stopped producing this response stream before the final response; retry the request"),
                StandardCharsets.UTF_8);
        // an event without id: it is not stored, so it cannot be resumed past
        return SseFrames.message(null, body);
    }

    private JsonNode requestIdOfStream() {
        List<StoredEvent> first = events.readAfter(stream.sessionId(), stream.streamId(), EventId.START, 1);
        if (first.isEmpty() || first.get(0).direction() != Direction.CLIENT_TO_SERVER) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(first.get(0).message()).get("id");
        } catch (IOException e) {
            return null;
        }
    }

    /** Releases everything once: the tick, the subscription, then {@code onFinish}. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> scheduled = tick;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        StreamHub.Subscription followed = subscription;
        if (followed != null) {
            followed.close();
        }
        onFinish.run();
    }
}
