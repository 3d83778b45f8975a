package dev.mcpstate.interceptor.internal.capture;

import dev.mcpstate.interceptor.internal.chain.Headers;
import dev.mcpstate.interceptor.internal.http.ErrorCodes;
import dev.mcpstate.interceptor.internal.http.JsonRpcErrors;
import dev.mcpstate.interceptor.sse.SseParser;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.interceptor.sse.SseFrames;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wraps the servlet's response so that the filter sees every message before the client does.
 *
 * <ul>
 *   <li><b>JSON and other bodies</b> are buffered whole; the filter inspects them after the servlet returns and
 *       then calls {@link #commitBuffered(byte[])}.</li>
 *   <li><b>{@code text/event-stream} bodies</b> are parsed frame by frame ({@link SseParser}, robust to frames
 *       split across writes); each event goes to the {@link StreamRecorder}, which persists it and returns the
 *       frame the client receives in its place.</li>
 *   <li>When the client goes away, writes to it fail; the response then <em>detaches</em>: the servlet keeps
 *       writing, events keep being recorded, and the client can resume from the store. The servlet never sees a
 *       write error, so the MCP SDK never drops the session because of a broken connection.</li>
 *   <li>When an event cannot be persisted, nothing after it is recorded or sent: the client gets the recorder's
 *       error answer ({@link #answerFailure}) and its response ends there, while the servlet writes on into
 *       nothing until it is done.</li>
 *   <li>{@link #sendError(int, String)} produces a JSON-RPC error body, never the container's HTML page.</li>
 * </ul>
 *
 * <p>Thread-safe for writes: the SDK may write from a reactor thread while the request thread returns.
 */
public final class CapturingResponse extends HttpServletResponseWrapper {

    private static final Logger log = LoggerFactory.getLogger(CapturingResponse.class);
    private static final String EVENT_STREAM = "text/event-stream";

    /** Events persisted but not yet written to the client, at most; the servlet's writes wait beyond it. */
    static final int MAX_IN_FLIGHT = 256;

    private final StreamRecorder recorder;
    private final Executor frameWriter;
    private final Runnable endConnection;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CaptureStream stream = new CaptureStream();
    private PrintWriter writer;
    private SseParser parser;
    private volatile boolean eventStream;
    /** The client went away, or its response was ended: nothing more is written to it. */
    private volatile boolean detached;
    /** The frames not yet sent and the {@link #drained()} marks between them, in the order the servlet wrote them. */
    private final ConcurrentLinkedQueue<Unsent> unsent = new ConcurrentLinkedQueue<>();
    /** Set while one thread sends what is ready at the head of {@link #unsent}: sends run one after another. */
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Frames were written to the client but not flushed yet; touched only by the sending thread. */
    private boolean unflushed;
    /** An event could not be persisted: nothing more is recorded or sent. */
    private volatile boolean failing;
    /** Why the first event that failed could not be persisted; null while none failed. */
    private volatile Throwable lost;
    private boolean started;
    private boolean failureAnswered;
    /** The priming event, sent with the first frame (so only once the stream's opening write is durable). */
    private volatile String priming;

    /**
     * @param response      the container's response; not null
     * @param recorder      persists SSE events; null to pass SSE bytes through unrecorded
     * @param writer        writes persisted frames to the client, in order; not null
     * @param endConnection runs once after a stream was ended early by a failure, after its last byte, while the
     *                      servlet may still run: ends the connection so that no later request waits on it (see
     *                      {@link dev.mcpstate.interceptor.internal.http.ClientDisconnects#endConnection}); must
     *                      not throw; not null
     */
    public CapturingResponse(HttpServletResponse response, StreamRecorder recorder, Executor writer,
            Runnable endConnection) {
        super(response);
        this.recorder = recorder;
        this.frameWriter = Objects.requireNonNull(writer, "writer must not be null");
        this.endConnection = Objects.requireNonNull(endConnection, "endConnection must not be null");
    }

    /**
     * @return a future that completes once every event the servlet wrote so far is persisted and written to the
     *         client — or, when persisting failed, once the recorder's failure answer is sent; never fails
     */
    public synchronized CompletableFuture<Void> drained() {
        Unsent mark = new Unsent(null);
        unsent.add(mark);
        sendReady(true); // the caller waits for it anyway: what is ready goes out on its thread
        return mark.drained.thenRun(() -> {
            Throwable cause = lost;
            if (cause != null) {
                answerFailure(cause);
            }
        });
    }

    /**
     * Answers a failure to persist with the recorder's answer, once — JSON with its status when nothing was sent yet,
     * else an SSE event — and ends the client's response there: its output is closed, so the client sees the end of
     * the stream at once, even while the servlet is still running (the SDK's servlet thread runs until the tool
     * returns). Nothing is recorded or sent afterwards.
     *
     * @param cause why; not null
     */
    public synchronized void answerFailure(Throwable cause) {
        if (failureAnswered || recorder == null) {
            return;
        }
        failureAnswered = true;
        failing = true;
        StreamRecorder.Failure failure = recorder.onFailure(cause);
        HttpServletResponse real = (HttpServletResponse) getResponse();
        try {
            if (!real.isCommitted()) {
                String node = real.getHeader(Headers.MCP_STATE_NODE);
                String requestId = real.getHeader(Headers.REQUEST_ID);
                real.reset();
                if (node != null) {
                    real.setHeader(Headers.MCP_STATE_NODE, node);
                }
                if (requestId != null) {
                    real.setHeader(Headers.REQUEST_ID, requestId);
                }
                if (failure.retryAfterSeconds() > 0) {
                    real.setHeader(Headers.RETRY_AFTER, Integer.toString(failure.retryAfterSeconds()));
                }
                JsonRpcErrors.send(real, failure.status(), failure.requestId(), failure.code(), failure.message());
            } else if (!detached) {
                // not stored, so it carries no id: a resumed stream replays what was persisted, then ends alike
                sendToClient(SseFrames.message(null, new String(JsonRpcErrors.bytes(failure.requestId(),
                        failure.code(), failure.message()), StandardCharsets.UTF_8)));
                flushClient();
                if (!detached) {
                    real.getOutputStream().close(); // the last chunk: the client's stream ends here
                    endConnection.run(); // the servlet still runs: no next request may queue behind it
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not answer a storage failure: cause={}", e.toString());
        } finally {
            detached = true; // the servlet may write on (the tool still runs): none of it reaches the client
        }
    }

    /**
     * Persists and sends an event the servlet did not write — the filter's own answer when the servlet ended a
     * response stream without one — behind every event before it. Does nothing unless the body is an event stream.
     *
     * @param event the event; not null
     */
    public synchronized void appendEvent(SseEvent event) {
        if (!eventStream || recorder == null) {
            return;
        }
        startIfEventStream();
        pipeline(event);
    }

    /** @return the recorder of this response's SSE events, or null */
    public StreamRecorder recorder() {
        return recorder;
    }

    /** @return true once the servlet declared a {@code text/event-stream} body */
    public boolean isEventStream() {
        return eventStream;
    }

    /** @return the bytes of a non-SSE body buffered so far */
    public synchronized byte[] bufferedBody() {
        if (writer != null) {
            writer.flush(); // a servlet need not flush its writer before it returns
        }
        return buffer.toByteArray();
    }

    /**
     * Sends a buffered (non-SSE) body to the client, with a {@code Content-Length}.
     *
     * @param body the bytes to send, usually {@link #bufferedBody()} or a sanitized replacement; not null
     */
    public synchronized void commitBuffered(byte[] body) throws IOException {
        if (writer != null) {
            writer.flush();
        }
        HttpServletResponse real = (HttpServletResponse) getResponse();
        if (body.length > 0 && !real.isCommitted()) {
            real.setContentLength(body.length);
        }
        if (body.length > 0) {
            real.getOutputStream().write(body);
        }
        buffer.reset();
    }

    @Override
    public void setContentType(String type) {
        super.setContentType(type);
        noteContentType(type);
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        if ("content-type".equalsIgnoreCase(name)) {
            noteContentType(value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        super.addHeader(name, value);
        if ("content-type".equalsIgnoreCase(name)) {
            noteContentType(value);
        }
    }

    private void noteContentType(String type) {
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM)) {
            eventStream = true;
        }
    }

    @Override
    public ServletOutputStream getOutputStream() {
        startIfEventStream();
        return stream;
    }

    @Override
    public synchronized PrintWriter getWriter() {
        startIfEventStream();
        if (writer == null) {
            writer = new PrintWriter(new Utf8Writer(stream), false);
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (eventStream) {
            stream.flush();
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        String message = sc >= 500 || msg == null || msg.isBlank() ? JsonRpcErrors.messageFor(sc) : msg;
        int code = sc >= 500 ? ErrorCodes.INTERNAL_ERROR : JsonRpcErrors.codeFor(sc);
        synchronized (this) {
            buffer.reset();
            eventStream = false;
        }
        JsonRpcErrors.send((HttpServletResponse) getResponse(), sc, null, code, message);
    }

    private synchronized void startIfEventStream() {
        if (!eventStream || started) {
            return;
        }
        started = true;
        parser = new SseParser(this::pipeline);
        if (recorder != null) {
            priming = recorder.onStreamStart();
        }
    }

    /**
     * Starts persisting an event and queues its frame behind the frames before it: a frame reaches the client only
     * once it is durable, and in the order the servlet wrote the events. A failed append stops the sending there, so
     * nothing after a lost event is sent; the client's stream then ends and the client can resume.
     */
    private void pipeline(SseEvent event) {
        if (failing) {
            return; // an event before this one was lost: nothing after it is persisted or sent
        }
        // not interruptible, and the flag is kept: the SDK's Reactor workers get interrupted while they still write,
        // and an event the servlet wrote is never dropped (an exception here would make the SDK drop the session)
        inFlight.acquireUninterruptibly();
        CompletableFuture<String> frame = recorder.onEvent(event).toCompletableFuture();
        unsent.add(new Unsent(frame));
        if (frame.isDone()) {
            // durable already (a final response is stored synchronously): when everything before it is out, it is
            // written here, on the servlet's thread, with no hand-over to the writer
            sendReady(true);
        } else {
            frame.whenComplete((text, e) -> sendReady(false));
        }
    }

    /**
     * Sends the frames that are ready at the head of the queue, one thread at a time: on this thread when
     * {@code here}, else handed to the frame writer once (not once per frame: the frames of one group commit become
     * durable together and go out together, with one flush). Whoever stops sending looks once more, so a frame that
     * became ready meanwhile is not left behind.
     */
    private void sendReady(boolean here) {
        while (headReady() && sending.compareAndSet(false, true)) {
            if (!here && handedToWriter()) {
                return;
            }
            sendWhileReady();
        }
    }

    private boolean handedToWriter() {
        try {
            frameWriter.execute(() -> {
                sendWhileReady();
                sendReady(true); // the writer's thread goes on with what became ready meanwhile
            });
            return true;
        } catch (RuntimeException rejected) { // the writer is shut down (the node stops): sent on the caller's thread
            return false;
        }
    }

    private boolean headReady() {
        Unsent head = unsent.peek();
        return head != null && head.ready();
    }

    /** Sends what is ready at the head, then flushes; runs with {@link #sending} set and clears it. */
    private void sendWhileReady() {
        try {
            Unsent head;
            while ((head = unsent.peek()) != null && head.ready()) {
                unsent.poll();
                if (head.frame == null) {
                    flushIfUnflushed(); // what was drained is at the client, not in a buffer
                    head.drained.complete(null);
                } else {
                    sendOrDrop(head.frame);
                    inFlight.release();
                }
            }
            flushIfUnflushed();
        } finally {
            sending.set(false);
        }
    }

    /** Sends a durable frame; a lost one stops the stream there: it and every frame after it are dropped. */
    private void sendOrDrop(CompletableFuture<String> frame) {
        if (failing) {
            return;
        }
        String text;
        try {
            text = frame.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            // the frames written before the lost one reach the client first, and this thread writes nothing after:
            // the failure's answer is then the response's only writer (it must not reset a response whose frames
            // are stored, nor race this thread's flush)
            flushIfUnflushed();
            lost = cause;
            failing = true;
            failed(cause);
            return;
        }
        send(text);
    }

    /**
     * Answers a failed event as soon as it failed, not when the servlet ends: nothing after it can be sent anyway.
     * The store's thread that reported it never waits for this response's lock (the servlet's thread may hold it
     * while it waits for that same store): the answer is then handed to the frame writer.
     */
    private void failed(Throwable cause) {
        if (Thread.holdsLock(this)) {
            answerFailure(cause);
            return;
        }
        try {
            frameWriter.execute(() -> answerFailure(cause));
        } catch (RuntimeException rejected) { // the writer is shut down: the node stops
            answerFailure(cause);
        }
    }

    /** Writes one persisted frame, after the priming event when it is the first; the flush comes later. */
    private void send(String text) {
        String first = priming;
        if (first != null) {
            priming = null;
            sendToClient(first);
        }
        if (text != null) {
            sendToClient(text);
        }
        unflushed |= first != null || text != null;
    }

    private void flushIfUnflushed() {
        if (unflushed) {
            unflushed = false;
            flushClient();
        }
    }

    private void sendToClient(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sendToClient(bytes, 0, bytes.length);
    }

    private void sendToClient(byte[] bytes, int off, int len) {
        if (detached) {
            return;
        }
        try {
            getResponse().getOutputStream().write(bytes, off, len);
        } catch (IOException | RuntimeException e) {
            detach(e);
        }
    }

    private void flushClient() {
        if (detached) {
            return;
        }
        try {
            getResponse().flushBuffer();
        } catch (IOException | RuntimeException e) {
            detach(e);
        }
    }

    private void detach(Exception cause) {
        if (!detached) {
            detached = true;
            log.debug("client went away; stream continues into the store only: cause={}", cause.toString());
        }
    }

    /** A frame on its way to the client, or (with no frame) a mark that completes once everything before it is out. */
    private static final class Unsent {
        final CompletableFuture<String> frame;
        final CompletableFuture<Void> drained;

        Unsent(CompletableFuture<String> frame) {
            this.frame = frame;
            this.drained = frame == null ? new CompletableFuture<>() : null;
        }

        boolean ready() {
            return frame == null || frame.isDone();
        }
    }

    /** The stream the servlet writes to. */
    private final class CaptureStream extends ServletOutputStream {

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (CapturingResponse.this) {
                if (!eventStream) {
                    buffer.write(b, off, len);
                    return;
                }
                startIfEventStream();
                if (recorder == null) {
                    sendToClient(b, off, len);
                    return;
                }
                parser.feed(b, off, len);
            }
        }

        @Override
        public void flush() {
            if (eventStream && recorder == null) {
                flushClient();
            }
            // recorded streams are flushed frame by frame once each event is durable
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new IllegalStateException("the mcp-state filter captures the body with blocking writes");
        }
    }
}
