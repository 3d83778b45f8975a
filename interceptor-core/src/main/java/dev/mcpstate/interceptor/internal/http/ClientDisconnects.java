package dev.mcpstate.interceptor.internal.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Notices that the client of a long-lived response (an SSE stream) closed its connection while nothing is being
 * written. The Servlet API reports a gone client only when a write fails, which on an idle stream is at the next
 * keep-alive; on Jetty over HTTP/1.x this watches the connection for its end-of-input instead, so the stream's
 * place is freed at once. Elsewhere (other containers, HTTP/2, where the container itself sees the stream reset)
 * it does nothing. Thread-safe, stateless.
 */
public final class ClientDisconnects {

    private static final Logger log = LoggerFactory.getLogger(ClientDisconnects.class);
    private static final boolean JETTY = jettyPresent();

    private ClientDisconnects() {
    }

    /**
     * Starts watching a request's connection. The response is made non-persistent ({@code Connection: close}): the
     * connection carries this one response only, so nothing else reads from it. Call before the response is
     * committed.
     *
     * @param request  the request of the stream, async started or about to be; not null
     * @param response its response, not committed; not null
     * @param onGone   runs once, on a container thread, when the client closed its end; must not block; not null
     * @return true when the connection is watched; false when this container or protocol offers no way to
     */
    public static boolean watch(HttpServletRequest request, HttpServletResponse response, Runnable onGone) {
        if (!JETTY) {
            return false;
        }
        try {
            return JettyWatch.watch(request, response, onGone);
        } catch (RuntimeException | LinkageError e) {
            log.debug("cannot watch the connection for a client disconnect: {}", e.toString());
            return false;
        }
    }

    /**
     * Ends the connection of a response that was ended early, after its last byte, while the servlet still runs
     * (the SDK's servlet thread runs until its tool returns): on HTTP/1.x the connection would carry the client's
     * next request only once the servlet is done, so a client reusing it would wait that long. On Jetty over
     * HTTP/1.x the connection's output is shut down, so the client opens a new one; elsewhere (HTTP/2 multiplexes,
     * other containers) it does nothing. Never throws.
     *
     * @param request the request whose response was completed early; not null
     */
    public static void endConnection(HttpServletRequest request) {
        if (!JETTY) {
            return;
        }
        try {
            JettyWatch.endConnection(request);
        } catch (RuntimeException | LinkageError e) {
            log.debug("cannot end the connection of a response cut short: {}", e.toString());
        }
    }

    private static boolean jettyPresent() {
        try {
            Class.forName("org.eclipse.jetty.ee10.servlet.ServletContextRequest", false,
                    ClientDisconnects.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only where Jetty is on the class path. */
    private static final class JettyWatch implements Callback {
        private final EndPoint endPoint;
        private final Runnable onGone;
        private final ByteBuffer buffer = BufferUtil.allocate(512);

        private JettyWatch(EndPoint endPoint, Runnable onGone) {
            this.endPoint = endPoint;
            this.onGone = onGone;
        }

        static boolean watch(HttpServletRequest request, HttpServletResponse response, Runnable onGone) {
            ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
            if (jetty == null) {
                return false;
            }
            HttpVersion version = jetty.getConnectionMetaData().getHttpVersion();
            if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
                return false;
            }
            EndPoint endPoint = jetty.getConnectionMetaData().getConnection().getEndPoint();
            response.setHeader("Connection", "close");
            return endPoint.tryFillInterested(new JettyWatch(endPoint, onGone));
        }

        static void endConnection(HttpServletRequest request) {
            ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
            if (jetty == null) {
                return;
            }
            HttpVersion version = jetty.getConnectionMetaData().getHttpVersion();
            if (version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0) {
                jetty.getConnectionMetaData().getConnection().getEndPoint().shutdownOutput();
            }
        }

        @Override
        public void succeeded() {
            try {
                int read = endPoint.fill(buffer);
                BufferUtil.clear(buffer); // a client sends nothing on a stream it reads: what came is dropped
                if (read < 0) {
                    onGone.run();
                } else {
                    endPoint.tryFillInterested(this);
                }
            } catch (IOException e) {
                onGone.run();
            }
        }

        @Override
        public void failed(Throwable cause) {
            onGone.run(); // the connection closed or failed
        }
    }
}
