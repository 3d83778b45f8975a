package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live feed behind the dashboard's panels. Three event names, each with a JSON object as data:
 *
 * <ul>
 *   <li>{@code event}: something happened — {@code {"at": epoch ms, "source": "dashboard"|agent id, "type",
 *       "message", "run_id"?}}; types include {@code pr_loaded}, {@code runs_registered}, {@code agent_spawned},
 *       {@code agent_exited}, {@code agent_crashed}, {@code claim_won}, {@code claim_lost}, {@code claim_lapsed},
 *       {@code recovery}, {@code checkpoint}, {@code complete}, {@code aggregated}, {@code reset};</li>
 *   <li>{@code tool}: one sidecar call — {@code {"at", "caller", "tool", "args", "result", "error", "ms"}}, long
 *       strings and arrays shortened;</li>
 *   <li>{@code state}: the whole {@code GET /api/state} answer, whenever it changed.</li>
 * </ul>
 *
 * <p>The last {@value #HISTORY} {@code event} and {@code tool} events are kept and replayed to each new subscriber,
 * followed by the latest state. Thread-safe; subscribers are called in order, under the hub's lock, and must not
 * block.
 */
public final class EventHub {

    /** How many past events a new subscriber gets. */
    public static final int HISTORY = 300;

    /** One server-sent event: its name and its JSON data. */
    public record Sse(String name, String data) {
    }

    private static final ObjectMapper JSON = Json.MAPPER;

    private final List<Consumer<Sse>> subscribers = new CopyOnWriteArrayList<>();
    private final Deque<Sse> history = new ArrayDeque<>();
    private Sse lastState;

    /**
     * Adds a subscriber and replays the history and the latest state to it first.
     *
     * @param subscriber receives every event from now on; not null
     * @return call it to unsubscribe
     */
    public synchronized Runnable subscribe(Consumer<Sse> subscriber) {
        history.forEach(subscriber);
        if (lastState != null) {
            subscriber.accept(lastState);
        }
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** Publishes an {@code event}. */
    public void event(String source, String type, String runId, String message) {
        ObjectNode data = JSON.createObjectNode().put("at", System.currentTimeMillis()).put("source", source)
                .put("type", type).put("message", message);
        if (runId != null) {
            data.put("run_id", runId);
        }
        publish(new Sse("event", data.toString()), true);
    }

    /** Publishes a {@code tool} event. */
    public void tool(String caller, String tool, JsonNode args, JsonNode result, boolean error, long millis) {
        ObjectNode data = JSON.createObjectNode().put("at", System.currentTimeMillis()).put("caller", caller)
                .put("tool", tool);
        data.set("args", Truncate.json(args));
        data.set("result", Truncate.json(result));
        data.put("error", error).put("ms", millis);
        publish(new Sse("tool", data.toString()), true);
    }

    /** Publishes a {@code state} event. */
    public void state(JsonNode state) {
        Sse sse = new Sse("state", state.toString());
        synchronized (this) {
            lastState = sse;
            publish(sse, false);
        }
    }

    /** Forgets the history (a new demo session starts). */
    public synchronized void clearHistory() {
        history.clear();
    }

    private synchronized void publish(Sse sse, boolean keep) {
        if (keep) {
            history.addLast(sse);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        for (Consumer<Sse> subscriber : subscribers) {
            try {
                subscriber.accept(sse);
            } catch (RuntimeException e) {
                subscribers.remove(subscriber); // a broken subscriber does not stop the others
            }
        }
    }
}
