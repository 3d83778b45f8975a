package dev.mcpstate.interceptor.internal.capture;

import dev.mcpstate.interceptor.sse.SseEvent;

import java.util.concurrent.CompletionStage;

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
     * Starts persisting one event the servlet wrote. Events of one stream are persisted in the order of these calls.
     *
     * @param event the event as the servlet wrote it; not null
     * @return a future of the frame to send to the client in its place (with the filter's event id), completing once
     *         the event is durable; a null frame sends nothing; a failed future (the event could not be persisted)
     *         ends the client's stream there
     */
    CompletionStage<String> onEvent(SseEvent event);
}
