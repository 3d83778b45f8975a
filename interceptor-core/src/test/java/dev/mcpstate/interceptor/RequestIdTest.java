package dev.mcpstate.interceptor;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mcpstate.interceptor.internal.link.Lifecycle;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code X-Request-Id}: a sane one is kept, anything else replaced by a generated one, and it is on every response of
 * the filter — JSON, SSE, the filter's own errors, a 503 after a store fault reset the response — and in the logging
 * context of the request's thread with the session id.
 */
class RequestIdTest {

    private static final String GENERATED = "[0-9a-f]{32}";

    private final MutableClock clock = new MutableClock();
    private final FailingBackend backend = new FailingBackend(Storage.open(StorageConfig.inMemory(), clock).backend());
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger lifecycleLog = (Logger) LoggerFactory.getLogger(Lifecycle.class);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(Storage.of(backend, StorageConfig.inMemory(), clock), clock).start();
        logged.start();
        lifecycleLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        lifecycleLog.detachAppender(logged);
        node.close();
    }

    private HttpResult initialize(String requestIdHeader) {
        return node.send("""
                POST /mcp HTTP/1.1
                %s

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"c","version":"1"}}}
                """.formatted(requestIdHeader));
    }

    @Test
    void aSaneIdIsEchoedAndInTheLogsOfTheRequestWithTheSessionId() {
        HttpResult init = initialize("X-Request-Id: trace-1:a.b_C-9");
        assertThat(init.header("X-Request-Id")).isEqualTo("trace-1:a.b_C-9");
        String session = init.header("Mcp-Session-Id");

        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().startsWith("session initialized"))
                .singleElement().satisfies(e -> assertThat(e.getMDCPropertyMap())
                        .containsEntry("request_id", "trace-1:a.b_C-9").containsEntry("mcp_session_id", session));
        HttpResult deleted = node.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: %s
                X-Request-Id: bye-1
                """.formatted(session));
        assertThat(deleted.header("X-Request-Id")).isEqualTo("bye-1");
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().startsWith("session closed"))
                .singleElement().satisfies(e -> assertThat(e.getMDCPropertyMap())
                        .containsEntry("request_id", "bye-1").containsEntry("mcp_session_id", session));
    }

    @Test
    void aMissingOrInsaneIdIsReplacedByAGeneratedOne() {
        String first = initialize("").header("X-Request-Id");
        String second = initialize("").header("X-Request-Id");
        assertThat(first).matches(GENERATED);
        assertThat(second).matches(GENERATED).isNotEqualTo(first);
        assertThat(initialize("X-Request-Id: " + "a".repeat(129)).header("X-Request-Id")).matches(GENERATED);
        assertThat(initialize("X-Request-Id: a b").header("X-Request-Id")).matches(GENERATED);
        assertThat(initialize("X-Request-Id: <script>").header("X-Request-Id")).matches(GENERATED);
        assertThat(initialize("X-Request-Id: " + "a".repeat(128)).header("X-Request-Id")).isEqualTo("a".repeat(128));
    }

    @Test
    void everyResponseOfTheFilterCarriesIt() {
        String session = node.openSession();
        HttpResult sse = node.send(FilterHarness.toolCall(session, 1, "echo", "{\"text\":\"x\"}")
                .replace("Mcp-Session-Id:", "X-Request-Id: on-sse\nMcp-Session-Id:"));
        assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
        assertThat(sse.header("X-Request-Id")).isEqualTo("on-sse");

        HttpResult notFound = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: no-such-session
                X-Request-Id: on-404

                {"jsonrpc":"2.0","id":2,"method":"tools/list"}
                """);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.header("X-Request-Id")).isEqualTo("on-404");

        backend.failAppends(true); // the response is reset for the 503: the id is set again
        HttpResult storeDown = node.send(FilterHarness.toolCall(session, 3, "echo", "{\"text\":\"y\"}")
                .replace("Mcp-Session-Id:", "X-Request-Id: on-503\nMcp-Session-Id:"));
        assertThat(storeDown.status()).isEqualTo(503);
        assertThat(storeDown.header("X-Request-Id")).isEqualTo("on-503");
        assertThat(storeDown.header("Mcp-State-Node")).isEqualTo("test");
        backend.failAppends(false);

        node.filter().close();
        HttpResult notStarted = node.send(FilterHarness.toolCall(session, 4, "echo", "{}")
                .replace("Mcp-Session-Id:", "X-Request-Id: on-stopped\nMcp-Session-Id:"));
        assertThat(notStarted.status()).isEqualTo(503);
        assertThat(List.of(notStarted.header("X-Request-Id"))).containsExactly("on-stopped");
    }
}
