package dev.mcpstate.interceptor.internal.resume;

import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.sse.SseFrames;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import dev.mcpstate.store.internal.Json;

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
 * {@code keepAlive} so dead clients are noticed and proxies keep the connection open. One follower runs on one
 * thread; {@link #stop()} may be called from any thread.
 */
public final class StreamFollower implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamFollower.class);
    private static final int BATCH = 256;

    private final StreamHub hub;
    private final EventStore events;
    private final StreamInfo stream;
    private final OutputStream out;
    private final Settings settings;
    private final Predicate<StreamInfo> abandoned;
    private final Runnable onFinish;
    private volatile boolean stopped;
    private String cursor;

    /**
     * How a follower waits.
     *
     * @param clock               the clock for idle timeouts; not null
     * @param pollInterval        longest wait before re-reading the store (covers appends on other nodes)
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
     * @param hub       wakes this follower on local appends; not null
     * @param stream    the stream to serve; not null
     * @param after     entry id to start after ({@link EventId#START} for the whole stream); not null
     * @param out       the client's response body; not null
     * @param settings  timing; not null
     * @param abandoned tells whether an open response stream's producer is gone for good; not null
     * @param onFinish  runs once when the follower ends, e.g. to complete the async request; not null
     */
    public StreamFollower(StreamHub hub, StreamInfo stream, String after, OutputStream out, Settings settings,
            Predicate<StreamInfo> abandoned, Runnable onFinish) {
        this.hub = Objects.requireNonNull(hub, "hub must not be null");
        this.events = hub.events();
        this.stream = Objects.requireNonNull(stream, "stream must not be null");
        this.cursor = Objects.requireNonNull(after, "after must not be null");
        this.out = Objects.requireNonNull(out, "out must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.abandoned = Objects.requireNonNull(abandoned, "abandoned must not be null");
        this.onFinish = Objects.requireNonNull(onFinish, "onFinish must not be null");
    }

    /** @return the stream this follower serves */
    public StreamInfo stream() {
        return stream;
    }

    /** Ends the follower soon; idempotent. */
    public void stop() {
        stopped = true;
        hub.wake(stream.sessionId(), stream.streamId());
    }

    @Override
    public void run() {
        String sessionId = stream.sessionId();
        String streamId = stream.streamId();
        try (StreamHub.Subscription changes = hub.follow(sessionId, streamId)) {
            Instant lastProgress = settings.clock().instant();
            Instant lastWrite = lastProgress;
            while (!stopped) {
                long version = changes.version();
                StreamInfo now = events.stream(sessionId, streamId).orElse(null);
                boolean closed = now == null || now.closed();
                List<StoredEvent> batch = events.readAfter(sessionId, streamId, cursor, BATCH);
                if (!batch.isEmpty()) {
                    writeBatch(batch);
                    lastProgress = settings.clock().instant();
                    lastWrite = lastProgress;
                    continue;
                }
                if (closed) {
                    return;
                }
                if (stream.kind() == StreamKind.RESPONSE && isAbandoned(now, lastProgress)) {
                    endAbandoned();
                    return;
                }
                Instant at = settings.clock().instant();
                if (!Duration.between(lastWrite, at).minus(settings.keepAlive()).isNegative()) {
                    write(SseFrames.keepAlive());
                    out.flush();
                    lastWrite = at;
                }
                changes.await(version, settings.pollInterval());
            }
        } catch (IOException clientGone) {
            log.debug("follower ended, client went away: session={} stream={}", sessionId, streamId);
        } catch (InterruptedException shutdown) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("follower failed: session={} stream={} cause={}", sessionId, streamId, e.toString());
        } finally {
            onFinish.run();
        }
    }

    private boolean isAbandoned(StreamInfo info, Instant lastProgress) {
        if (abandoned.test(info)) {
            return true;
        }
        Duration silent = Duration.between(lastProgress, settings.clock().instant());
        return silent.compareTo(settings.responseIdleTimeout()) >= 0;
    }

    private void writeBatch(List<StoredEvent> batch) throws IOException {
        for (StoredEvent event : batch) {
            cursor = event.id().entryId();
            if (event.direction() == Direction.SERVER_TO_CLIENT) {
                write(SseFrames.message(event.id().toString(), event.message()));
            }
        }
        out.flush();
    }

    private void endAbandoned() throws IOException {
        JsonNode requestId = requestIdOfStream();
        String body = new String(JsonRpcErrors.bytes(requestId, ErrorCodes.STREAM_ABANDONED,
                "The server stopped producing this response stream before the final response; retry the request"),
                StandardCharsets.UTF_8);
        // an event without id: it is not stored, so it cannot be resumed past
        write(SseFrames.message(null, body));
        out.flush();
        log.info("response stream abandoned by its producer: session={} stream={} owner={}",
                stream.sessionId(), stream.streamId(), stream.ownerNode());
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

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
