package dev.mcpstate.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An event id's two parts follow their grammar exactly, checked by hand as the regular expressions say. */
class EventIdTest {

    private static final List<String> SAMPLES = List.of("", "0", "7", "17", "1732345678123-0", "1-", "-1", "1--2",
            "12345678901234567890", "123456789012345678901", "1-1234567890123456789", "1-12345678901234567890",
            "0-0-0", "1a", "a1", " 1", "r3f9c0a1b2d4e", "listen", "R_-z9", "a".repeat(64), "a".repeat(65), "a:b",
            "a.b", "é", "١٢", "r1\n", "x y");

    @Test
    void streamIdsAreCheckedAsTheirRegularExpressionSays() {
        Pattern grammar = Pattern.compile(EventId.STREAM_ID);
        for (String sample : SAMPLES) {
            assertThat(EventId.isStreamId(sample)).as("'%s'", sample).isEqualTo(grammar.matcher(sample).matches());
        }
    }

    @Test
    void entryIdsAreCheckedAsTheirRegularExpressionSays() {
        Pattern grammar = Pattern.compile(EventId.ENTRY_ID);
        for (String sample : SAMPLES) {
            assertThat(EventId.isEntryId(sample)).as("'%s'", sample).isEqualTo(grammar.matcher(sample).matches());
        }
    }

    @Test
    void aLastEventIdParsesIntoItsStreamAndEntryOrIsRefusedNamingTheGrammar() {
        assertThat(EventId.parse("r3f9c0a1b2d4e:1732345678123-0"))
                .isEqualTo(new EventId("r3f9c0a1b2d4e", "1732345678123-0"));
        assertThat(EventId.parse("listen:0").isStart()).isTrue();
        assertThatThrownBy(() -> EventId.parse("r1:1a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(EventId.ENTRY_ID);
        assertThatThrownBy(() -> EventId.parse("r.1:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(EventId.STREAM_ID);
        assertThatThrownBy(() -> EventId.parse("r1")).isInstanceOf(IllegalArgumentException.class);
    }
}
