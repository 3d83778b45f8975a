package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventHubTest {

    private static final ObjectMapper JSON = Json.MAPPER;

    @Test
    void aNewSubscriberGetsTheHistoryThenTheLatestStateThenWhatFollows() {
        EventHub hub = new EventHub();
        hub.event("dashboard", "pr_loaded", null, "one");
        hub.state(JSON.createObjectNode().put("v", 1));
        hub.state(JSON.createObjectNode().put("v", 2));
        hub.tool("agent-1", "state_get", JSON.createObjectNode().put("key", "k"),
                JSON.createObjectNode().put("value", "x".repeat(500)), false, 3);
        List<EventHub.Sse> seen = new ArrayList<>();
        Runnable unsubscribe = hub.subscribe(seen::add);
        hub.event("agent-1", "checkpoint", "wf-1", "two");
        unsubscribe.run();
        hub.event("agent-1", "checkpoint", "wf-1", "three");
        assertThat(seen).extracting(EventHub.Sse::name).containsExactly("event", "tool", "state", "event");
        assertThat(seen.get(1).data()).as("long strings are cut").contains("… (500 chars)").hasSizeLessThan(400);
        assertThat(seen.get(2).data()).isEqualTo("{\"v\":2}");
        assertThat(seen.get(3).data()).contains("\"run_id\":\"wf-1\"").contains("\"message\":\"two\"");
    }

    @Test
    void historyIsBoundedAndClearedOnReset() {
        EventHub hub = new EventHub();
        for (int i = 0; i < EventHub.HISTORY + 50; i++) {
            hub.event("dashboard", "x", null, "e" + i);
        }
        List<EventHub.Sse> seen = new ArrayList<>();
        hub.subscribe(seen::add);
        assertThat(seen).hasSize(EventHub.HISTORY);
        assertThat(seen.get(0).data()).contains("\"e50\"");
        hub.clearHistory();
        List<EventHub.Sse> later = new ArrayList<>();
        hub.subscribe(later::add);
        assertThat(later).isEmpty();
    }

    @Test
    void aFailingSubscriberDoesNotStopTheOthers() {
        EventHub hub = new EventHub();
        List<EventHub.Sse> seen = new ArrayList<>();
        hub.subscribe(sse -> {
            throw new IllegalStateException("broken");
        });
        hub.subscribe(seen::add);
        hub.event("dashboard", "x", null, "m");
        assertThat(seen).hasSize(1);
    }
}
