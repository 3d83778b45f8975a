package dev.mcpstate.interceptor;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;


/**
 * A response the client reads while it is still being written (an SSE stream), over one Jetty
 * {@link LocalConnector.LocalEndPoint}. Every wait is bounded by {@link FilterHarness#WAIT}. Closing it cuts the
 * connection, as a client that goes away. Thread-safe.
 */
public final class SseStream implements AutoCloseable {

    private final LocalConnector.LocalEndPoint endPoint;
    private final HttpTester.Response response = new HttpTester.Response();
    private final HttpParser parser = new HttpParser(response);

    SseStream(LocalConnector.LocalEndPoint endPoint) {
        this.endPoint = endPoint;
    }

    /** Moves what the server wrote so far into the parsed response. */
    private synchronized void pump() {
        ByteBuffer out = endPoint.takeOutput();
        while (out.hasRemaining() && !response.isComplete()) {
            int before = out.remaining();
            parser.parseNext(out);
            if (out.remaining() == before) {
                break;
            }
        }
    }

    private synchronized boolean headersDone() {
        pump();
        return parser.getState().ordinal() > HttpParser.State.HEADER.ordinal();
    }

    /** @return the status, once the response head arrived */
    public int status() {
        FilterHarness.await().until(this::headersDone);
        return response.getStatus();
    }

    /** @return a response header, once the response head arrived; null when absent */
    public String header(String name) {
        status();
        synchronized (this) {
            return response.get(name);
        }
    }

    /** @return the body received so far, de-chunked, as UTF-8 */
    public synchronized String body() {
        pump();
        byte[] content = response.getContentBytes();
        return content == null ? "" : new String(content, StandardCharsets.UTF_8);
    }

    /** @return the complete frames received so far */
    public List<SseFrame> frames() {
        return SseFrame.parseAll(body());
    }

    /** @return the frames received so far that carry a JSON-RPC message */
    public List<SseFrame> messages() {
        return frames().stream().filter(SseFrame::isMessage).toList();
    }

    /** Waits until the frames received satisfy the condition; @return the frames then */
    public List<SseFrame> awaitFrames(Predicate<List<SseFrame>> condition) {
        FilterHarness.await().until(() -> condition.test(frames()));
        return frames();
    }

    /** Waits for at least {@code count} message frames; @return all message frames received then */
    public List<SseFrame> awaitMessages(int count) {
        FilterHarness.await().until(() -> messages().size() >= count);
        return messages();
    }

    /** @return true once the server ended the response (last chunk) or closed the connection */
    public synchronized boolean ended() {
        pump();
        return response.isComplete() || !endPoint.isOpen();
    }

    /** Waits until the server ends the response; @return the whole body */
    public String awaitEnd() {
        FilterHarness.await().until(this::ended);
        return body();
    }

    /** The client goes away: the connection is closed under the server. */
    @Override
    public void close() {
        endPoint.close();
    }
}
