package dev.mcpstate.interceptor.internal.capture;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The capture's writer: nothing reaches the stream before a flush or a full buffer, and every character arrives. */
class Utf8WriterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintWriter writer = new PrintWriter(new Utf8Writer(out), false);

    @Test
    void holdsWhatIsWrittenUntilAFlushThenWritesItAsUtf8() {
        writer.write("data: {\"text\":\"grüße 😀\"}\n");
        writer.print('\n');
        assertThat(out.size()).isZero();

        writer.flush();

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("data: {\"text\":\"grüße 😀\"}\n\n");
    }

    @Test
    void writesOnWhenFullWithoutSplittingASurrogatePair() {
        String fill = "x".repeat(Utf8Writer.DRAIN_AT - 1);
        String emoji = "😀";
        writer.write(fill + emoji.charAt(0)); // the buffer is full with the pair's first half last
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(fill);

        writer.write(emoji.charAt(1));
        writer.flush();

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(fill + emoji);
    }

    @Test
    void closeWritesWhatIsHeld() throws IOException {
        writer.write("tail");
        writer.close();

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("tail");
    }
}
