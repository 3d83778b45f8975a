package dev.mcpstate.interceptor.sse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

    private static final String STREAM = "id: a_1\nevent: message\ndata: {\"text\":\"héllo → wörld\"}\n\n"
            + ": comment\r\n"
            + "id: a_2\r\ndata: line one\r\ndata: line two\r\n\r\n"
            + "retry: 1000\rdata:no-space\r\r"
            + "id: a_3\ndata: \n\n";

    private static final List<SseEvent> EXPECTED = List.of(
            new SseEvent("a_1", "message", "{\"text\":\"héllo → wörld\"}"),
            new SseEvent("a_2", null, "line one\nline two"),
            new SseEvent(null, null, "no-space"),
            new SseEvent("a_3", null, ""));

    @Test
    void parsesWholeStreamWithEveryLineEnding() {
        assertThat(parse(List.of(STREAM.getBytes(StandardCharsets.UTF_8)))).isEqualTo(EXPECTED);
    }

    @Test
    void framesSplitAtEveryByteBoundaryParseTheSame() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            byte[] head = java.util.Arrays.copyOfRange(bytes, 0, cut);
            byte[] tail = java.util.Arrays.copyOfRange(bytes, cut, bytes.length);
            assertThat(parse(List.of(head, tail))).as("split at byte %d", cut).isEqualTo(EXPECTED);
        }
    }

    @Test
    void oneByteAtATimeParsesTheSame() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : bytes) {
            chunks.add(new byte[] {b});
        }
        assertThat(parse(chunks)).isEqualTo(EXPECTED);
    }

    @Test
    void incompleteEventIsNotDispatched() {
        assertThat(parse(List.of("id: x\ndata: partial\n".getBytes(StandardCharsets.UTF_8)))).isEmpty();
    }

    @Test
    void framesWrittenBySseFramesParseBackToTheirContent() {
        String frames = SseFrames.priming("s:0") + SseFrames.message("s:1", "a\nb") + SseFrames.keepAlive();
        assertThat(parse(List.of(frames.getBytes(StandardCharsets.UTF_8)))).containsExactly(
                new SseEvent("s:0", null, ""), new SseEvent("s:1", "message", "a\nb"));
    }

    private static List<SseEvent> parse(List<byte[]> chunks) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        for (byte[] chunk : chunks) {
            parser.feed(chunk, 0, chunk.length);
        }
        return events;
    }
}
