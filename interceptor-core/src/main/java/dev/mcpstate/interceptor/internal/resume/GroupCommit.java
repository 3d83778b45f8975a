package dev.mcpstate.interceptor.internal.resume;

import dev.mcpstate.store.StoreException;
import dev.mcpstate.store.StoredEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Group commit of one producer's events on one stream: at most one write of the stream is on its way to the store,
 * and the events that come while it is queue up and go together in the next one
 * ({@link dev.mcpstate.store.EventStore#appendAllAfter}). A slow producer pays one write per event and no wait; a
 * fast one (a tool streaming progress) pays one write per batch, so the store's per-write work (the count check, the
 * stream's bookkeeping, the wake-up of followers) is shared by the batch.
 *
 * <p>Each write is conditional on the count of events sent before it, so nothing lands behind a lost one. Once a
 * write fails, every queued and later event fails with the same cause: the stream is broken and the client resumes.
 * A batch holds at most {@link #MAX_EVENTS} events and about {@link #MAX_CHARS} characters of messages (always at
 * least one event), and it ends with the stream's final event.
 *
 * <p>The final event waits for the write on its way before it: a stream whose answer follows a notification at once
 * pays two store round trips before the answer is out (the opening write, then the answer), where an answer alone
 * pays one.
 *
 * <p>Thread-safe: {@link #append} may be called from any thread and sends at once on it when no write is on its
 * way; a batch that waited is sent by {@code sender}, never on the thread that completed the write before it (a
 * store's I/O thread must not block, and sending may). The events' futures complete outside the lock, on the thread
 * that completed their write, or on the caller's when the stream had failed already.
 */
public final class GroupCommit {

    /** Most events in one write. */
    public static final int MAX_EVENTS = 64;
    /** About the most characters (UTF-16 units) of messages in one write; a larger single event goes alone. */
    public static final int MAX_CHARS = 1 << 20;

    /** One write: the events of a batch, behind {@code precedingEvents}; closes the stream when {@code last}. */
    @FunctionalInterface
    public interface Write {
        /** @return the stored events in order, or a future failed with the store's exception */
        CompletableFuture<List<StoredEvent>> append(long precedingEvents, List<String> messages, boolean last);
    }

    private record Pending(String message, boolean last, CompletableFuture<StoredEvent> stored) {
    }

    /** One write's events, behind the {@code preceding} events sent before them. */
    private record Batch(long preceding, List<Pending> events) {
    }

    private final Write write;
    private final Executor sender;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Events sent to the store so far, in earlier writes. */
    private long sent;
    private boolean writing;
    private Throwable failure;

    /**
     * @param write        sends one batch; not null
     * @param sender       sends the batches that waited for a write; not null
     * @param storedEvents the events the stream holds once {@code before} completed; 0 or more
     * @param before       the stream's write that must land first (its opening); the first batch is sent once it
     *                     completed, and fails with its cause when it failed; not null
     */
    public GroupCommit(Write write, Executor sender, long storedEvents, CompletableFuture<?> before) {
        this.write = Objects.requireNonNull(write, "write must not be null");
        this.sender = Objects.requireNonNull(sender, "sender must not be null");
        this.sent = storedEvents;
        this.writing = true;
        before.whenComplete((v, e) -> landed(List.of(), null, e));
    }

    /**
     * Queues an event; it is sent at once when no write of the stream is on its way, else with the next batch.
     *
     * @param message the JSON-RPC message; not null
     * @param last    true for the stream's final event: the stream is closed with it
     * @return the stored event; failed with the store's exception (also when an earlier event of the stream failed)
     */
    public CompletableFuture<StoredEvent> append(String message, boolean last) {
        Pending pending = new Pending(Objects.requireNonNull(message, "message must not be null"), last,
                new CompletableFuture<>());
        Batch batch;
        Throwable failed;
        synchronized (this) {
            failed = failure;
            if (failed == null) {
                queue.add(pending);
            }
            batch = failed == null && !writing ? nextBatch() : null;
        }
        if (failed != null) {
            pending.stored().completeExceptionally(failed);
        } else if (batch != null) {
            send(batch);
        }
        return pending.stored();
    }

    /** @return the queued events of the next write, now counted as sent and on its way; null when none is queued */
    private Batch nextBatch() {
        if (queue.isEmpty()) {
            return null;
        }
        List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_EVENTS));
        long chars = 0;
        while (!queue.isEmpty() && batch.size() < MAX_EVENTS) {
            Pending next = queue.peek();
            if (!batch.isEmpty() && chars + next.message().length() > MAX_CHARS) {
                break;
            }
            batch.add(queue.poll());
            chars += next.message().length();
            if (next.last()) {
                break;
            }
        }
        writing = true;
        Batch next = new Batch(sent, batch);
        sent += batch.size();
        return next;
    }

    private void send(Batch batch) {
        List<Pending> events = batch.events();
        List<String> messages = events.stream().map(Pending::message).toList();
        CompletableFuture<List<StoredEvent>> stored;
        try {
            stored = write.append(batch.preceding(), messages, events.get(events.size() - 1).last());
        } catch (Throwable e) { // whatever it is, the batch's events must complete: the final one is waited for
            stored = CompletableFuture.failedFuture(e);
        }
        stored.whenComplete((done, e) -> landed(events, done, e));
    }

    private void sendLater(Batch batch) {
        try {
            sender.execute(() -> send(batch));
        } catch (RejectedExecutionException stopping) { // the node stops: no thread left but this one (maybe the
            // store's I/O thread, which is then shutting down too)
            send(batch);
        }
    }

    /** Sends what queued meanwhile (or fails it: the stream broke), then completes the batch's events; no lock held. */
    private void landed(List<Pending> batch, List<StoredEvent> events, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        int returned = events == null ? 0 : events.size();
        if (cause == null && returned != batch.size()) {
            cause = new StoreException("the store returned " + returned + " events for a write of " + batch.size());
        }
        Batch next = null;
        List<Pending> dropped = List.of();
        Throwable broken;
        synchronized (this) {
            writing = false;
            if (cause != null && failure == null) {
                failure = cause;
            }
            broken = failure;
            if (broken != null) {
                dropped = new ArrayList<>(queue);
                queue.clear();
            } else {
                next = nextBatch();
            }
        }
        if (next != null) {
            sendLater(next); // first: the store works on the next batch while this one's frames are written
        }
        for (int i = 0; i < batch.size(); i++) {
            if (cause != null) {
                batch.get(i).stored().completeExceptionally(cause);
            } else {
                batch.get(i).stored().complete(events.get(i));
            }
        }
        dropped.forEach(p -> p.stored().completeExceptionally(broken));
    }
}
