package dev.mcpstate.examples.clients;

import dev.mcpstate.examples.client.ResumeDemo;
import dev.mcpstate.interceptor.sse.SseEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ResumeDemo#check} finds duplicates, gaps and out-of-order ids in what a resumed client received. */
class ResumeDemoCheckTest {

    private static List<SseEvent> stream(int count) {
        List<SseEvent> events = new ArrayList<>();
        int entry = 1;
        for (int i = 1; i <= count; i++) {
            events.add(event("rs:" + entry++, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                    + "\"params\":{\"progressToken\":\"t\",\"progress\":" + i + ",\"total\":" + count + "}}"));
            events.add(event("rs:" + entry++, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                    + "\"params\":{\"level\":\"info\",\"data\":\"step " + i + " of " + count + "\"}}"));
        }
        events.add(event("rs:" + entry, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":"
                + "[{\"type\":\"text\",\"text\":\"counted " + count + "\"}]}}"));
        return events;
    }

    private static SseEvent event(String id, String data) {
        return new SseEvent(id, "message", data);
    }

    @Test
    void completeStreamPasses() {
        assertThat(ResumeDemo.check(stream(3), 3, 7)).isEmpty();
    }

    @Test
    void replayedEventIsReportedAsRepeated() {
        List<SseEvent> events = stream(3);
        events.add(3, events.get(2));

        assertThat(ResumeDemo.check(events, 3, 7)).containsExactly("event id rs:3 is missing or repeated");
    }

    @Test
    void lostEventIsReportedAsAGap() {
        List<SseEvent> events = stream(3);
        events.remove(2);

        assertThat(ResumeDemo.check(events, 3, 7)).containsExactly("progress steps were [1, 3], expected 1..3");
    }

    @Test
    void idsGoingBackwardsAreReported() {
        List<SseEvent> events = stream(2);
        SseEvent first = events.get(0);
        events.set(0, event("rs:9", first.data()));

        assertThat(ResumeDemo.check(events, 2, 7))
                .containsExactly("event id rs:2 does not follow rs:9 in the same stream");
    }

    @Test
    void missingResultIsReported() {
        List<SseEvent> events = stream(2);
        events.remove(events.size() - 1);

        assertThat(ResumeDemo.check(events, 2, 7)).containsExactly("results were [], expected [counted 2]");
    }
}
