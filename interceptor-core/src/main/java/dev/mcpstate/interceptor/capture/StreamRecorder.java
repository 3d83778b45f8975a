package dev.mcpstate.interceptor.capture;

import dev.mcpstate.interceptor.sse.SseEvent;

/**
 * Persists the events of one SSE response stream as the servlet writes them, and decides what the client receives
 * instead. Called by {@link CapturingResponse} on the thread that writes the response, one call at a time.
 */
public interface StreamRecorder {

    /**
     * Called once, before the first byte of the stream reaches the client.
     *
     * @return text to send first (a priming event), or null for nothing
     */
    String onStreamStart();

    /**
     * Persists one event the servlet wrote. Must complete durably before returning.
     *
     * @param event the event as the servlet wrote it; not null
     * @return the frame to send to the client in its place (with the filter's event id), or null to send nothing
     * @throws dev.mcpstate.store.StoreException when the event cannot be persisted; the stream is then aborted
     */
    String onEvent(SseEvent event);
}
