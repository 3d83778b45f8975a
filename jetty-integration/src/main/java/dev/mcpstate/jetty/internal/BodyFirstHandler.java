package dev.mcpstate.jetty.internal;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a POST body in full before the handlers behind it run, without holding a thread while bytes are missing
 * (Jetty's content demand), so that clients sending bodies slowly cannot take the server's threads: a servlet
 * behind it reads a body that is already in memory. A body that is not complete within the deadline is answered
 * {@code 408} and its connection closed; a body larger than the limit {@code 413}. A declared body of up to twice
 * the limit is read and dropped first, so the client is done sending when the 413 arrives and sees it (answering
 * while it still sends makes the closing connection reset it, and the answer with it); a larger one is answered at
 * once. A body that arrives in parts slower than the connector's minimum request data rate (when set) is answered
 * {@code 408} too, before the deadline. Bodies that arrive at once (the usual case) are handed on in the same
 * thread. Thread-safe.
 */
public final class BodyFirstHandler extends Handler.Wrapper {

    private final int maxBodyBytes;
    private final long deadlineMillis;

    /**
     * @param handler      the handler behind it, e.g. the servlet context; not null
     * @param maxBodyBytes largest body read, in bytes; positive
     * @param deadline     how long a body may take to arrive, from the request's head; positive
     */
    public BodyFirstHandler(Handler handler, int maxBodyBytes, Duration deadline) {
        super(handler);
        this.maxBodyBytes = maxBodyBytes;
        this.deadlineMillis = Math.max(1, deadline.toMillis());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!HttpMethod.POST.is(request.getMethod()) || request.getLength() == 0) {
            return super.handle(request, response, callback);
        }
        if (request.getLength() > 2L * maxBodyBytes) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            Response.writeError(request, response, callback, 413);
            return true;
        }
        return new BodyReader(request, response, callback, request.getLength() > maxBodyBytes).start();
    }

    /** Reads one body; runs again on each content demand until the body is complete, failed or late. */
    private final class BodyReader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        /** True for a body declared too large: read and dropped, then answered 413. */
        private final boolean discard;
        private final AtomicBoolean done = new AtomicBoolean();
        private Scheduler.Task deadline;
        /** The result of handing the request on within {@link #start()}; only read there. */
        private boolean handledInline = true;
        private boolean inStart;

        BodyReader(Request request, Response response, Callback callback, boolean discard) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.discard = discard;
        }

        boolean start() {
            inStart = true;
            run();
            inStart = false;
            return handledInline;
        }

        @Override
        public void run() {
            while (!done.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    armDeadline();
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    boolean late = chunk.getFailure() instanceof TimeoutException;
                    chunk.release();
                    fail(late ? 408 : 400);
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                boolean last = chunk.isLast();
                if (discard) {
                    chunk.release();
                    if (last) {
                        fail(413);
                        return;
                    }
                    continue;
                }
                if (body.size() + bytes.remaining() > maxBodyBytes) {
                    chunk.release();
                    fail(413);
                    return;
                }
                if (last && body.size() == 0) { // the whole body in one chunk: the usual case, one copy
                    byte[] whole = BufferUtil.toArray(bytes);
                    chunk.release();
                    complete(whole);
                    return;
                }
                body.writeBytes(BufferUtil.toArray(bytes)); // a body in several chunks: rare
                chunk.release();
                if (last) {
                    complete(body.toByteArray());
                    return;
                }
                if (tooSlow()) {
                    fail(408);
                    return;
                }
            }
        }

        /**
         * Jetty's minimum request data rate ({@code HttpConfiguration.setMinRequestDataRate}), which Jetty itself
         * checks only where a servlet reads its input stream, checked here on each part of a body that arrives: the
         * bytes so far against the rate times the time since the request began, as Jetty counts it.
         */
        private boolean tooSlow() {
            long rate = request.getConnectionMetaData().getHttpConfiguration().getMinRequestDataRate();
            return rate > 0 && body.size() < rate * NanoTime.millisSince(request.getBeginNanoTime()) / 1000;
        }

        private void armDeadline() {
            if (deadline == null) {
                deadline = request.getComponents().getScheduler().schedule(
                        () -> request.fail(new TimeoutException("request body deadline")), deadlineMillis,
                        TimeUnit.MILLISECONDS);
            }
        }

        private void complete(byte[] whole) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            cancelDeadline();
            Request buffered = new Buffered(request, whole);
            try {
                boolean handled = BodyFirstHandler.super.handle(buffered, response, callback);
                if (!handled) {
                    if (inStart) {
                        handledInline = false;
                    } else {
                        Response.writeError(buffered, response, callback, 404);
                    }
                }
            } catch (Throwable failure) {
                Response.writeError(buffered, response, callback, 500);
            }
        }

        private void fail(int status) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            cancelDeadline();
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            Response.writeError(request, response, callback, status);
        }

        private void cancelDeadline() {
            if (deadline != null) {
                deadline.cancel();
            }
        }
    }

    /** The request with its body already in memory. */
    private static final class Buffered extends Request.Wrapper {
        private final Content.Source content;
        private final long length;

        Buffered(Request request, byte[] body) {
            super(request);
            this.content = new ByteBufferContentSource(ByteBuffer.wrap(body));
            this.length = body.length;
        }

        @Override
        public long getLength() {
            return length;
        }

        @Override
        public Content.Chunk read() {
            return content.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            content.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            content.fail(failure);
        }
    }
}
