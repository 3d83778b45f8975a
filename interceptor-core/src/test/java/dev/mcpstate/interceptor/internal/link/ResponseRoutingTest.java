package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SharedBusBackend;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's answer to a server-to-client request (here elicitation, from the {@code confirm} tool) reaches the
 * node instance that asked, whichever node it is POSTed to.
 *
 * <p>The in-memory backend's cluster bus ({@code LocalClusterBus}) reaches only its own node instance: on it two
 * harnesses can show the same-node path and the "issuing node unreachable" path. The cross-node path runs on
 * {@link SharedBusBackend}, the in-memory stores with a bus that reaches every node instance, as Redis does.
 */
class ResponseRoutingTest {

    private final MutableClock clock = new MutableClock();

    private static JsonNode awaitElicitation(SseStream call) {
        JsonNode request = call.awaitMessages(1).get(0).json();
        assertThat(request.path("method").asText()).isEqualTo("elicitation/create");
        return request;
    }

    private static HttpResult answer(FilterHarness node, String session, JsonNode id, boolean confirm) {
        return node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":%s,"result":{"action":"%s","content":{"confirm":%s}}}
                """.formatted(session, id.toString(), confirm ? "accept" : "decline", confirm));
    }

    private static JsonNode finalResponse(SseStream call) {
        call.awaitEnd();
        List<SseFrame> messages = call.messages();
        return messages.get(messages.size() - 1).json();
    }

    @Test
    void serverToClientRequestIdsNameTheIssuingNodeInstance() {
        try (FilterHarness a = FilterHarness.inMemory()) {
            String session = a.openSession();
            try (SseStream call = a.open(FilterHarness.toolCall(session, 3, "confirm", "{\"action\":\"deploy\"}"))) {
                JsonNode id = awaitElicitation(call).get("id");

                assertThat(id.isTextual()).isTrue();
                assertThat(id.asText()).startsWith("mcps|" + a.filter().owner() + "|");
                answer(a, session, id, true);
                finalResponse(call);
            }
        }
    }

    @Test
    void answerOnTheIssuingNodeGetsItsOriginalIdBackAndCompletesTheToolCall() {
        try (FilterHarness a = FilterHarness.inMemory()) {
            String session = a.openSession();
            try (SseStream call = a.open(FilterHarness.toolCall(session, 3, "confirm", "{\"action\":\"deploy\"}"))) {
                JsonNode id = awaitElicitation(call).get("id");

                HttpResult answered = answer(a, session, id, true);

                assertThat(answered.status()).isEqualTo(202);
                JsonNode result = finalResponse(call);
                assertThat(result.path("id").asInt()).isEqualTo(3);
                assertThat(result.at("/result/content/0/text").asText()).isEqualTo("confirmed deploy");
            }
        }
    }

    @Test
    void answerOnANodeThatCannotReachTheIssuerIsAnswered202AndNotDelivered() {
        Storage storage = Storage.open(StorageConfig.inMemory(), clock);
        try (FilterHarness a = FilterHarness.on(storage, clock).nodeId("node-a").start();
                FilterHarness b = FilterHarness.on(storage, clock).nodeId("node-b").start()) {
            String session = a.openSession();
            try (SseStream call = a.open(FilterHarness.toolCall(session, 3, "confirm", "{\"action\":\"deploy\"}"))) {
                JsonNode id = awaitElicitation(call).get("id");

                HttpResult onB = answer(b, session, id, true);

                assertThat(onB.status()).isEqualTo(202);
                assertThat(onB.header("Mcp-State-Node")).isEqualTo("node-b");
                assertThat(call.ended()).as("the tool call still waits for its answer").isFalse();
                // the SDK on A never saw B's "accept": A's own later "decline" decides
                assertThat(answer(a, session, id, false).status()).isEqualTo(202);
                assertThat(finalResponse(call).at("/result/content/0/text").asText()).isEqualTo("declined deploy");
            }
        }
    }

    @Test
    void answerOnAnotherNodeIsRoutedToTheIssuingNode() {
        StorageConfig config = StorageConfig.inMemory();
        Storage storage = Storage.of(new SharedBusBackend(config, clock), config, clock);
        try (FilterHarness a = FilterHarness.on(storage, clock).nodeId("node-a").start();
                FilterHarness b = FilterHarness.on(storage, clock).nodeId("node-b").start()) {
            String session = a.openSession();
            try (SseStream call = a.open(FilterHarness.toolCall(session, 3, "confirm", "{\"action\":\"deploy\"}"))) {
                JsonNode id = awaitElicitation(call).get("id");

                HttpResult onB = answer(b, session, id, true);

                assertThat(onB.status()).isEqualTo(202);
                assertThat(onB.header("Mcp-State-Node")).isEqualTo("node-b");
                JsonNode result = finalResponse(call);
                assertThat(result.path("id").asInt()).isEqualTo(3);
                assertThat(result.at("/result/content/0/text").asText()).isEqualTo("confirmed deploy");
            }
        }
    }

    @Test
    void aResponseWhoseIdTheFilterDidNotMakeIsLeftToTheLocalSdk() {
        try (FilterHarness a = FilterHarness.inMemory()) {
            String session = a.openSession();

            HttpResult response = a.send("""
                    POST /mcp HTTP/1.1
                    Mcp-Session-Id: %s

                    {"jsonrpc":"2.0","id":"%s-0","result":{}}
                    """.formatted(session, session));

            // SDK 2.0.1 fails a response for an id it is not waiting for with 500; the client sees a plain error
            response.assertJsonRpcError(500, -32603);
            assertThat(response.json().at("/error/message").asText()).isEqualTo("Internal error");
        }
    }
}
