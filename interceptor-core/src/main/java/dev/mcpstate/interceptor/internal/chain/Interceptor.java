package dev.mcpstate.interceptor.internal.chain;

import jakarta.servlet.ServletException;

import java.io.IOException;

/**
 * One link of the session filter's chain. A link either answers the exchange itself (and does not call
 * {@link Chain#proceed()}), or adjusts the exchange and calls {@link Chain#proceed()} exactly once.
 *
 * <p>Links are shared by all requests: implementations are thread-safe and keep per-request state in the
 * {@link Exchange}.
 */
@FunctionalInterface
public interface Interceptor {

    /**
     * @param chain the rest of the chain and the current exchange; not null
     * @throws IOException      when writing the response fails
     * @throws ServletException when the servlet behind the filter fails
     */
    void intercept(Chain chain) throws IOException, ServletException;

    /** The rest of the chain, as seen by one link. */
    interface Chain {

        /** @return the exchange being handled; never null */
        Exchange exchange();

        /**
         * Runs the next link, or the servlet after the last link.
         *
         * @throws IllegalStateException when a link calls it twice
         */
        void proceed() throws IOException, ServletException;

        /**
         * Hands the exchange straight to the servlet, skipping the remaining links: for requests the filter must
         * not touch (a protocol era without sessions).
         *
         * @throws IllegalStateException when the link already called {@link #proceed()} or this method
         */
        void bypass() throws IOException, ServletException;
    }
}
