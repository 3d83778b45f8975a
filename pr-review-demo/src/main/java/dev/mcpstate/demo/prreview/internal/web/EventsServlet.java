package dev.mcpstate.demo.prreview.internal.web;

import dev.mcpstate.demo.prreview.internal.dashboard.EventHub;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlets.EventSource;
import org.eclipse.jetty.ee10.servlets.EventSourceServlet;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/events}: the {@link EventHub} as server-sent events, on Jetty's {@link EventSourceServlet}
 * (which also sends a heartbeat comment every 10 s). Each subscriber gets its own sender thread, so a slow browser
 * delays only itself; one that falls more than {@value #MAX_BACKLOG} events behind is disconnected.
 */
final class EventsServlet extends EventSourceServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_BACKLOG = 5000;

    private final transient EventHub hub;

    EventsServlet(EventHub hub) {
        this.hub = hub;
    }

    @Override
    protected EventSource newEventSource(HttpServletRequest request) {
        return new EventSource() {
            private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sse-sender");
                t.setDaemon(true);
                return t;
            });
            private final AtomicInteger backlog = new AtomicInteger();
            private Runnable unsubscribe;

            @Override
            public void onOpen(Emitter emitter) {
                unsubscribe = hub.subscribe(sse -> {
                    if (backlog.incrementAndGet() > MAX_BACKLOG) {
                        emitter.close();
                        return;
                    }
                    try {
                        sender.execute(() -> {
                            backlog.decrementAndGet();
                            try {
                                emitter.event(sse.name(), sse.data());
                            } catch (IOException e) {
                                emitter.close();
                            }
                        });
                    } catch (RejectedExecutionException e) {
                        // closed meanwhile
                    }
                });
            }

            @Override
            public void onClose() {
                if (unsubscribe != null) {
                    unsubscribe.run();
                }
                sender.shutdownNow();
            }
        };
    }
}
