package dev.mcpstate.interceptor.sse;

/**
 * One Server-Sent Event (WHATWG HTML, "Server-sent events", section 9.2). Immutable.
 *
 * @param id    the {@code id:} field, or null when the event had none
 * @param event the {@code event:} field, or null when the event had none
 * @param data  the {@code data:} lines joined with {@code \n}; empty when the event had no data; never null
 */
public record SseEvent(String id, String event, String data) {

    public SseEvent {
        data = data == null ? "" : data;
    }
}
