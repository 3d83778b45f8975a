package dev.mcpstate.interceptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One SSE frame as a client reads it off the wire, parsed line by line independently of the filter's own
 * {@code SseParser}, so the tests check the wire format.
 *
 * @param id       the {@code id:} field, or null
 * @param event    the {@code event:} field, or null
 * @param data     the {@code data:} lines joined with {@code \n}; null when the frame had no data field
 * @param comments the comment lines ({@code : keep-alive}), without the colon and leading space
 */
public record SseFrame(String id, String event, String data, List<String> comments) {

    private static final ObjectMapper JSON = Json.MAPPER;

    /** @return true for a frame that carries a JSON-RPC message (not a priming event, not a comment) */
    public boolean isMessage() {
        return data != null && !data.isEmpty();
    }

    /** @return true for a priming event: an id and an empty data field */
    public boolean isPriming() {
        return id != null && data != null && data.isEmpty();
    }

    /** @return true for a frame of comment lines only */
    public boolean isComment() {
        return id == null && event == null && data == null && !comments.isEmpty();
    }

    /** @return the data parsed as JSON */
    public JsonNode json() {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + data, e);
        }
    }

    /**
     * Parses the complete frames of an SSE body; a trailing incomplete frame is left out.
     *
     * @param body the body text so far; not null
     * @return the frames, in order
     */
    public static List<SseFrame> parseAll(String body) {
        List<SseFrame> frames = new ArrayList<>();
        String text = body.replace("\r\n", "\n");
        int start = 0;
        for (int end = text.indexOf("\n\n", start); end >= 0; end = text.indexOf("\n\n", start)) {
            String block = text.substring(start, end);
            start = end + 2;
            if (!block.isEmpty()) {
                frames.add(parse(block));
            }
        }
        return frames;
    }

    private static SseFrame parse(String block) {
        String id = null;
        String event = null;
        List<String> data = null;
        List<String> comments = new ArrayList<>();
        for (String line : block.split("\n", -1)) {
            if (line.startsWith(":")) {
                comments.add(line.substring(1).strip());
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) {
                        data = new ArrayList<>();
                    }
                    data.add(value);
                }
                default -> comments.add("unknown field: " + line);
            }
        }
        return new SseFrame(id, event, data == null ? null : String.join("\n", data), List.copyOf(comments));
    }
}
