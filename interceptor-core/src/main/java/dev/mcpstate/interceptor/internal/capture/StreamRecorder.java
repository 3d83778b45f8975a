package dev.mcpstate.interceptor.internal.capture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.sse.SseEvent;

import java.util.concurrent.CompletionStage;

/**
 * Persists the events of one SSE response stream as the servlet writes them, and decides what the client receives
 * instead. Called by {@link CapturingResponse} on the thread that writes the response, one call at a time.
 */
public interface StreamRecorder {

    /**
     * Called once, before the first byte of the stream reaches the client (and only once the stream's opening write,
     * if any, is durable).
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

    /**
     * Called once when the stream could not be persisted (its opening write or an append failed): what the client
     * gets instead of what was not persisted.
     *
     * @param cause why, as the failed future reported it; not null
     * @return the error to answer with; never null
     */
    Failure onFailure(Throwable cause);

    /**
     * A JSON-RPC error answer: the HTTP status and body when nothing was sent yet, else an SSE event carrying the
     * error response for the request.
     *
     * @param status            HTTP status of the answer when nothing was sent yet
     * @param requestId         the id of the request answered; may be null
     * @param code              JSON-RPC error code
     * @param message           plain message
     * @param retryAfterSeconds {@code Retry-After} to send with the status, or 0 for none
     */
    record Failure(int status, JsonNode requestId, int code, String message, int retryAfterSeconds) {
    }
}
