package dev.mcpstate.interceptor.internal.link;

import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes on one storage: a session initialized through node A is admitted and served by node B. */
class AdmissionTest {

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness a;
    private FilterHarness b;

    @BeforeEach
    void start() {
        a = FilterHarness.on(storage, clock).nodeId("node-a").start();
        b = FilterHarness.on(storage, clock).nodeId("node-b").start();
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
    }

    private static String text(HttpResult toolCall) {
        List<SseFrame> messages = toolCall.messages();
        assertThat(messages).as(toolCall.toString()).isNotEmpty();
        return messages.get(messages.size() - 1).json().at("/result/content/0/text").asText();
    }

    @Test
    void sessionInitializedOnNodeAIsServedOnNodeB() {
        String session = a.openSession();
        assertThat(b.filter().localSessionIds()).doesNotContain(session);

        HttpResult echo = b.callTool(session, 1, "echo", "{\"text\":\"from b\"}");

        assertThat(echo.status()).isEqualTo(200);
        assertThat(echo.header("Mcp-State-Node")).isEqualTo("node-b");
        assertThat(text(echo)).isEqualTo("from b");
        assertThat(b.filter().localSessionIds()).contains(session);
        assertThat(b.filter().admissions()).isEqualTo(1);
        assertThat(a.filter().admissions()).as("A created it, A never admitted it").isZero();
    }

    @Test
    void exchangeSessionIdOnNodeBIsTheOriginalId() {
        String session = a.openSession();

        assertThat(text(b.callTool(session, 1, "whoami", "{}"))).isEqualTo(session);
        assertThat(text(a.callTool(session, 2, "whoami", "{}"))).isEqualTo(session);
    }

    @Test
    void aSessionIsAdmittedOnceAndThenServedFromTheSdk() {
        String session = a.openSession();

        for (int i = 1; i <= 3; i++) {
            assertThat(b.callTool(session, i, "echo", "{\"text\":\"again\"}").status()).isEqualTo(200);
        }

        assertThat(b.filter().admissions()).isEqualTo(1);
    }

    @Test
    void concurrentFirstRequestsOnNodeBAdmitOnce() {
        String session = a.openSession();
        List<SseStream> calls = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            calls.add(b.open(FilterHarness.toolCall(session, i, "whoami", "{}")));
        }

        for (SseStream call : calls) {
            call.awaitEnd();
            assertThat(call.status()).isEqualTo(200);
            List<SseFrame> messages = call.messages();
            assertThat(messages).isNotEmpty();
            assertThat(messages.get(messages.size() - 1).json().at("/result/content/0/text").asText())
                    .isEqualTo(session);
            call.close();
        }
        assertThat(b.filter().admissions()).isEqualTo(1);
        assertThat(b.filter().localSessionIds()).containsExactly(session);
    }

    @Test
    void anInitializedSessionThatIsNotActiveYetIsAdmittedToo() {
        String session = a.initialize();

        assertThat(text(b.callTool(session, 1, "whoami", "{}"))).isEqualTo(session);
        assertThat(b.filter().admissions()).isEqualTo(1);
    }

    @Test
    void theLoggingLevelSetThroughNodeAAppliesOnNodeB() {
        String quiet = a.openSession();
        String chatty = a.openSession();
        HttpResult setLevel = a.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":9,"method":"logging/setLevel","params":{"level":"error"}}
                """.formatted(quiet));
        assertThat(setLevel.status()).isEqualTo(200);

        List<SseFrame> quietOnB = b.callTool(quiet, 1, "count", "{\"n\":3}").messages();
        List<SseFrame> chattyOnB = b.callTool(chatty, 1, "count", "{\"n\":3}").messages();

        assertThat(quietOnB).as("info logging below the session's level 'error'").hasSize(1);
        assertThat(quietOnB.get(0).json().at("/result/content/0/text").asText()).isEqualTo("counted 3");
        assertThat(chattyOnB).hasSize(4);
    }
}
