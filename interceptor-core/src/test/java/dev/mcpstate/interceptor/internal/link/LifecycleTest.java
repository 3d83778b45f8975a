package dev.mcpstate.interceptor.internal.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.interceptor.SharedBusBackend;
import dev.mcpstate.interceptor.SseFrame;
import dev.mcpstate.interceptor.SseStream;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StreamInfo;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored session follows what the SDK answered: INITIALIZED, ACTIVE, CLOSED; the logging level. */
class LifecycleTest {

    private static final ObjectMapper JSON = Json.MAPPER;

    private final MutableClock clock = new MutableClock();
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).nodeId("node-7").start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private SessionRecord record(String session) {
        return storage.sessions().find(session).orElseThrow();
    }

    @Test
    void initializeStoresTheSessionInitializedWithWhatTheClientAndServerSaid() throws Exception {
        HttpResult init = node.send("""
                POST /mcp HTTP/1.1
                X-Test-User: alice

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{"elicitation":{},"roots":{"listChanged":true}},
                 "clientInfo":{"name":"lifecycle-client","version":"3.1"}}}
                """);
        assertThat(init.status()).isEqualTo(200);
        String session = init.header("Mcp-Session-Id");

        SessionRecord stored = record(session);

        assertThat(stored.status()).isEqualTo(SessionStatus.INITIALIZED);
        assertThat(stored.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(JSON.readTree(stored.clientInfo()))
                .isEqualTo(JSON.readTree("{\"name\":\"lifecycle-client\",\"version\":\"3.1\"}"));
        assertThat(JSON.readTree(stored.clientCapabilities()))
                .isEqualTo(JSON.readTree("{\"elicitation\":{},\"roots\":{\"listChanged\":true}}"));
        assertThat(JSON.readTree(stored.initializeParams()).at("/clientInfo/name").asText())
                .isEqualTo("lifecycle-client");
        assertThat(stored.principal()).isEqualTo("alice");
        assertThat(stored.nodeId()).isEqualTo("node-7");
        assertThat(stored.createdAt()).isEqualTo(clock.instant());
        assertThat(stored.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(stored.loggingLevel()).isNull();
        StreamInfo listening = storage.events().stream(session, "listen").orElseThrow();
        assertThat(listening.kind()).isEqualTo(StreamKind.LISTENING);
        assertThat(listening.ownerNode()).isEqualTo(node.filter().owner());
        assertThat(node.filter().localSessionIds()).containsExactly(session);
    }

    @Test
    void theStoredProtocolVersionIsTheOneTheServerAnswered() {
        HttpResult init = node.send("""
                POST /mcp HTTP/1.1

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2099-01-01",
                 "capabilities":{},"clientInfo":{"name":"from-the-future","version":"1"}}}
                """);

        assertThat(init.json().at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(record(init.header("Mcp-Session-Id")).protocolVersion()).isEqualTo("2025-11-25");
    }

    @Test
    void aFailedInitializeStoresNothing() {
        HttpResult init = node.send("""
                POST /mcp HTTP/1.1

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":null}
                """);

        init.assertJsonRpcError(400, -32602);
        assertThat(storage.sessions().list()).isEmpty();
    }

    @Test
    void notificationsInitializedMakesTheSessionActive() {
        String session = node.initialize();

        node.initialized(session, null);

        assertThat(record(session).status()).isEqualTo(SessionStatus.ACTIVE);
    }

    @Test
    void otherNotificationsLeaveTheStatusAlone() {
        String session = node.initialize();

        HttpResult response = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","method":"notifications/harness/nothing"}
                """.formatted(session));

        assertThat(response.status()).isEqualTo(202);
        assertThat(record(session).status()).isEqualTo(SessionStatus.INITIALIZED);
    }

    @Test
    void deleteClosesTheSessionDeletesItsEventsAndLaterRequestsGet404() {
        String session = node.openSession();
        List<SseFrame> call = node.callTool(session, 1, "count", "{\"n\":2}").messages();
        String streamId = EventId.parse(call.get(0).id()).streamId();
        assertThat(storage.events().readAfter(session, streamId, "0", 10)).isNotEmpty();

        HttpResult deleted = node.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: %s
                """.formatted(session));

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(record(session).status()).isEqualTo(SessionStatus.CLOSED);
        assertThat(storage.events().stream(session, streamId)).isEmpty();
        assertThat(storage.events().readAfter(session, streamId, "0", 10)).isEmpty();
        assertThat(storage.events().stream(session, "listen")).isEmpty();
        assertThat(node.filter().localSessionIds()).doesNotContain(session);
        node.callTool(session, 2, "echo", "{\"text\":\"x\"}").assertJsonRpcError(404, -32001);
        node.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                Last-Event-ID: %s
                """.formatted(session, call.get(0).id())).assertJsonRpcError(404, -32001);
        node.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: %s
                """.formatted(session)).assertJsonRpcError(404, -32001);
    }

    @Test
    void deleteEndsTheSessionsListeningStream() {
        String session = node.openSession();
        try (SseStream listening = node.open("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(session))) {
            assertThat(listening.status()).isEqualTo(200);

            assertThat(node.send("""
                    DELETE /mcp HTTP/1.1
                    Mcp-Session-Id: %s
                    """.formatted(session)).status()).isEqualTo(200);

            listening.awaitEnd();
        }
    }

    @Test
    void deleteOnOneNodeDropsTheSessionFromEveryNode() {
        StorageConfig config = StorageConfig.inMemory();
        Storage shared = Storage.of(new SharedBusBackend(config, clock), config, clock);
        try (FilterHarness a = FilterHarness.on(shared, clock).nodeId("node-a").start();
                FilterHarness b = FilterHarness.on(shared, clock).nodeId("node-b").start()) {
            String session = a.openSession();
            assertThat(b.callTool(session, 1, "echo", "{\"text\":\"x\"}").status()).isEqualTo(200);
            try (SseStream listeningOnA = a.open("""
                    GET /mcp HTTP/1.1
                    Accept: text/event-stream
                    Mcp-Session-Id: %s
                    """.formatted(session))) {
                assertThat(listeningOnA.status()).isEqualTo(200);

                assertThat(b.send("""
                        DELETE /mcp HTTP/1.1
                        Mcp-Session-Id: %s
                        """.formatted(session)).status()).isEqualTo(200);

                listeningOnA.awaitEnd();
                assertThat(a.filter().localSessionIds()).doesNotContain(session);
                assertThat(b.filter().localSessionIds()).doesNotContain(session);
                a.callTool(session, 2, "echo", "{\"text\":\"x\"}").assertJsonRpcError(404, -32001);
            }
        }
    }

    @Test
    void loggingSetLevelIsStoredWithTheSession() {
        String session = node.openSession();

        HttpResult response = node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"warning"}}
                """.formatted(session));

        assertThat(response.status()).isEqualTo(200);
        assertThat(record(session).loggingLevel()).isEqualTo("warning");
        assertThat(node.callTool(session, 5, "count", "{\"n\":2}").messages()).as("info is below warning").hasSize(1);
    }

    @Test
    void anUnknownLoggingLevelIsNotStored() {
        String session = node.openSession();

        node.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"loud"}}
                """.formatted(session));

        assertThat(record(session).loggingLevel()).isNull();
    }
}
