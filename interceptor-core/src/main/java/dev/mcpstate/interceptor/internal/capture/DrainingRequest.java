package dev.mcpstate.interceptor.internal.capture;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A request whose asynchronous completion waits for the captured response to drain: when the servlet calls
 * {@link AsyncContext#complete()} right after writing its last event, that event may still be on its way to the
 * store; the real completion happens once every persisted frame has been written to the client. Not thread-safe,
 * like the request it wraps; the returned {@link AsyncContext} is as thread-safe as the container's.
 */
public final class DrainingRequest extends HttpServletRequestWrapper {

    private final Supplier<CompletableFuture<Void>> drained;

    /**
     * @param request the request the servlet sees; not null
     * @param drained the captured response's {@link CapturingResponse#drained()}; not null
     */
    public DrainingRequest(HttpServletRequest request, Supplier<CompletableFuture<Void>> drained) {
        super(request);
        this.drained = Objects.requireNonNull(drained, "drained must not be null");
    }

    @Override
    public AsyncContext startAsync() {
        return new Draining(super.startAsync());
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return new Draining(super.startAsync(request, response));
    }

    /** Delegates everything; {@link #complete()} waits for the drain without blocking the caller. */
    private final class Draining implements AsyncContext {
        private final AsyncContext real;

        Draining(AsyncContext real) {
            this.real = real;
        }

        @Override
        public void complete() {
            drained.get().whenComplete((v, e) -> {
                try {
                    real.complete();
                } catch (IllegalStateException alreadyDone) {
                    // the container completed it after a client error
                }
            });
        }

        @Override
        public ServletRequest getRequest() {
            return real.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return real.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return real.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            real.dispatch();
        }

        @Override
        public void dispatch(String path) {
            real.dispatch(path);
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            real.dispatch(context, path);
        }

        @Override
        public void start(Runnable run) {
            real.start(run);
        }

        @Override
        public void addListener(AsyncListener listener) {
            real.addListener(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
            real.addListener(listener, request, response);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws jakarta.servlet.ServletException {
            return real.createListener(type);
        }

        @Override
        public void setTimeout(long timeout) {
            real.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return real.getTimeout();
        }
    }
}
