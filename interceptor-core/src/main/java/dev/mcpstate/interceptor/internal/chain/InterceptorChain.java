package dev.mcpstate.interceptor.internal.chain;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;

import java.io.IOException;
import java.util.List;

/**
 * Runs an ordered list of {@link Interceptor}s, then the servlet filter chain with the exchange's (possibly
 * wrapped) request and response. Thread-safe: one instance serves every request; each call to
 * {@link #run(Exchange, FilterChain)} creates its own cursor.
 */
public final class InterceptorChain {

    private final List<Interceptor> links;

    /** @param links the links, in order; not null, no null element */
    public InterceptorChain(List<Interceptor> links) {
        this.links = List.copyOf(links);
    }

    /** @return the links in order */
    public List<Interceptor> links() {
        return links;
    }

    /**
     * Runs the chain for one exchange.
     *
     * @param exchange the exchange; not null
     * @param servlet  what runs after the last link; not null
     */
    public void run(Exchange exchange, FilterChain servlet) throws IOException, ServletException {
        new Cursor(exchange, servlet, 0).proceed();
    }

    private final class Cursor implements Interceptor.Chain {
        private final Exchange exchange;
        private final FilterChain servlet;
        private final int index;
        private boolean proceeded;

        Cursor(Exchange exchange, FilterChain servlet, int index) {
            this.exchange = exchange;
            this.servlet = servlet;
            this.index = index;
        }

        @Override
        public Exchange exchange() {
            return exchange;
        }

        @Override
        public void proceed() throws IOException, ServletException {
            if (proceeded) {
                throw new IllegalStateException("link " + links.get(index - 1).getClass().getSimpleName()
                        + " must call proceed() at most once");
            }
            proceeded = true;
            if (index == links.size()) {
                servlet.doFilter(exchange.request(), exchange.response());
                return;
            }
            links.get(index).intercept(new Cursor(exchange, servlet, index + 1));
        }

        @Override
        public void bypass() throws IOException, ServletException {
            if (proceeded) {
                throw new IllegalStateException("link " + links.get(index - 1).getClass().getSimpleName()
                        + " must call proceed() or bypass() at most once");
            }
            proceeded = true;
            servlet.doFilter(exchange.request(), exchange.response());
        }
    }
}
