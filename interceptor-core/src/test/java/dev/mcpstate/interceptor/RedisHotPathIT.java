package dev.mcpstate.interceptor;

import dev.mcpstate.store.ClusterBus;
import dev.mcpstate.store.Direction;
import dev.mcpstate.store.StreamKind;
import dev.mcpstate.store.EventId;
import dev.mcpstate.store.StoredEvent;
import dev.mcpstate.store.EventStore;
import dev.mcpstate.store.SessionStore;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageBackend;
import dev.mcpstate.store.redis.RedisBackend;
import dev.mcpstate.store.sidecar.SidecarStore;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import dev.mcpstate.testing.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot path on a real Redis: what a warm call costs in commands, and what a session cache must never hide.
 * Commands are counted with {@code MONITOR}, which shows every command a client sends (and, marked {@code lua}, the
 * ones a script runs); the test clock stands still, so no throttled touch falls into the window.
 * {@link RedisHotPathOnClusterIT} runs the same on a Redis Cluster, monitoring every master.
 */
class RedisHotPathIT {

    private final MutableClock clock = new MutableClock();
    private final String prefix = "hot" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private FilterHarness node(String id) {
        return node(id, false);
    }

    /** @param deaf true for a node that never hears of sessions ended elsewhere (its cache is never invalidated) */
    /** @return the Redis the nodes share */
    protected StorageConfig store() {
        return StorageConfig.redis(RedisTestServer.url());
    }

    /** @return the servers whose {@code MONITOR} shows every command a client sends: the masters */
    protected List<URI> monitored() {
        return List.of(URI.create(RedisTestServer.url()));
    }

    private FilterHarness node(String id, boolean deaf) {
        StorageConfig config = store().toBuilder().redisKeyPrefix(prefix).build();
        RedisBackend redis = RedisBackend.open(config, clock);
        Storage storage = Storage.of(deaf ? new DeafBackend(redis) : redis, config, clock);
        open.add(storage);
        FilterHarness node = FilterHarness.on(storage, clock).nodeId(id).start();
        open.add(node);
        return node;
    }

    @Test
    void aWarmEchoCallSendsRedisExactlyOneCommand() throws Exception {
        FilterHarness node = node("a");
        String session = node.openSession();
        assertThat(node.callTool(session, 1, "echo", "{\"text\":\"warm\"}").status()).isEqualTo(200);

        int calls = 20;
        List<Monitor> monitors = new ArrayList<>();
        try {
            for (URI server : monitored()) {
                monitors.add(new Monitor(server));
            }
            for (int i = 0; i < calls; i++) {
                HttpResult call = node.callTool(session, 10 + i, "echo", "{\"text\":\"m" + i + "\"}");
                assertThat(call.status()).as(call.toString()).isEqualTo(200);
            }
            List<String> sent = new ArrayList<>();
            for (Monitor monitor : monitors) {
                String marker = monitor.mark();
                FilterHarness.await().until(() -> monitor.sawMarker(marker));
                sent.addAll(monitor.clientCommands(prefix));
            }
            assertThat(sent).as("commands of this node's keys while %d warm calls ran", calls).hasSize(calls)
                    .allSatisfy(line -> assertThat(line).contains("\"EVALSHA\"", session));
        } finally {
            for (Monitor monitor : monitors) {
                monitor.close();
            }
        }
    }

    @Test
    void aStreamStaysWholeWhenRedisForgetsItsScriptsUnderIt() throws Exception {
        FilterHarness node = node("a");
        String session = node.openSession();
        for (int round = 0; round < 10; round++) {
            for (URI server : monitored()) {
                flushScripts(server); // as after a restart or a failover: the next EVALSHA of each script fails
            }
            // then a listening stream's notification loads the append script again, but not the one that opens a
            // response stream: a call's first append is sent again with EVAL, and its later ones must not overtake it
            node.storage().events().openStream(session, "listen-" + round, StreamKind.LISTENING, "a");
            node.storage().events().append(session, "listen-" + round, Direction.SERVER_TO_CLIENT, "{}");
            int n = 20;
            HttpResult call = node.callTool(session, 100 + round, "count", "{\"n\":" + n + "}");

            List<SseFrame> messages = call.messages();
            assertThat(messages).as(call.toString()).last().satisfies(f -> assertThat(
                    f.json().at("/result/content/0/text").asText()).isEqualTo("counted " + n));
            String streamId = EventId.parse(messages.get(0).id()).streamId();
            assertThat(node.storage().events().readAfter(session, streamId, EventId.START, 1000))
                    .as("the request, then every message the client got, in order").extracting(StoredEvent::message)
                    .endsWith(messages.stream().map(SseFrame::data).toArray(String[]::new))
                    .hasSize(messages.size() + 1);
        }
    }

    private static void flushScripts(URI redis) throws IOException {
        try (Socket s = new Socket(redis.getHost(), redis.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("SCRIPT FLUSH\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(reply).isEqualTo("+OK");
        }
    }

    @Test
    void aDeleteOnNodeAGives404OnNodeBsVeryNextRequest() {
        FilterHarness a = node("a");
        // B never hears that the session ended: its cache keeps the record, only the store can tell
        FilterHarness b = node("b", true);
        String session = a.openSession();
        // node B serves the session first, so it is in B's session cache
        assertThat(b.callTool(session, 1, "echo", "{\"text\":\"on b\"}").status()).isEqualTo(200);

        HttpResult deleted = a.send("""
                DELETE /mcp HTTP/1.1
                Mcp-Session-Id: %s
                """.formatted(session));
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);

        b.callTool(session, 2, "echo", "{\"text\":\"after delete\"}").assertJsonRpcError(404, -32001);
        b.send("""
                POST /mcp HTTP/1.1
                Mcp-Session-Id: %s

                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}
                """.formatted(session)).assertJsonRpcError(404, -32001);
        b.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(session)).assertJsonRpcError(404, -32001);
    }

    @Test
    void anExpiryOnNodeAGives404OnNodeBsVeryNextRequest() {
        FilterHarness a = node("a");
        FilterHarness b = node("b", true); // deaf: B's cache keeps the record, only the store can tell
        String session = a.openSession();
        assertThat(b.callTool(session, 1, "echo", "{\"text\":\"on b\"}").status()).isEqualTo(200);

        clock.advance(a.storage().config().sessionIdleTtl().plusMinutes(1));
        // node A's turn: it purges the session that sat idle too long. B, deaf to the bus, tells the expiry
        // itself: its cached record looks idle past the TTL, so it asks the store, which no longer has it (a
        // record B saw can never be fresher than the store's, so this check alone is enough)
        a.filter().runRetention();

        assertThat(a.storage().sessions().find(session)).as("gone from the store").isEmpty();
        b.callTool(session, 2, "echo", "{\"text\":\"after expiry\"}").assertJsonRpcError(404, -32001);
        b.send("""
                GET /mcp HTTP/1.1
                Accept: text/event-stream
                Mcp-Session-Id: %s
                """.formatted(session)).assertJsonRpcError(404, -32001);
    }

    /** A Redis backend whose bus drops every "session ended/changed" message, as if pub/sub lost them. */
    private record DeafBackend(RedisBackend redis) implements StorageBackend {
        @Override
        public String name() {
            return "redis-deaf";
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public SessionStore sessions() {
            return redis.sessions();
        }

        @Override
        public EventStore events() {
            return redis.events();
        }

        @Override
        public SidecarStore sidecar() {
            return redis.sidecar();
        }

        @Override
        public ClusterBus openBus(String owner, Duration heartbeatInterval, Duration deadAfter) {
            return new DeafBus(redis.openBus(owner, heartbeatInterval, deadAfter));
        }

        @Override
        public void close() {
            redis.close();
        }
    }

    /** The Redis bus, except that "session ended/changed" handlers are never called. */
    private record DeafBus(ClusterBus bus) implements ClusterBus {
        @Override
        public String owner() {
            return bus.owner();
        }

        @Override
        public boolean sendResponse(String owner, String sessionId, String response) {
            return bus.sendResponse(owner, sessionId, response);
        }

        @Override
        public void onResponse(BiConsumer<String, String> handler) {
            bus.onResponse(handler);
        }

        @Override
        public void publishSessionEnded(String sessionId) {
            bus.publishSessionEnded(sessionId);
        }

        @Override
        public void onSessionEnded(Consumer<String> handler) {
            // deaf
        }

        @Override
        public void publishSessionChanged(String sessionId) {
            bus.publishSessionChanged(sessionId);
        }

        @Override
        public void onSessionChanged(Consumer<String> handler) {
            // deaf
        }

        @Override
        public void watch(String sessionId) {
            bus.watch(sessionId);
        }

        @Override
        public void unwatch(String sessionId) {
            bus.unwatch(sessionId);
        }

        @Override
        public void onAppend(BiConsumer<String, String> handler) {
            bus.onAppend(handler);
        }

        @Override
        public boolean isAlive(String owner) {
            return bus.isAlive(owner);
        }

        @Override
        public void close() {
            bus.close();
        }
    }

    /** A {@code MONITOR} connection; lines are collected on a daemon thread until closed. */
    private static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        Monitor(URI redis) throws IOException {
            socket = new Socket(redis.getHost(), redis.getPort());
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("+OK");
            Thread reader = new Thread(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "redis-monitor");
            reader.setDaemon(true);
            reader.start();
        }

        /** Sends a command that MONITOR shows, as the end of the window: commands before it are all seen then. */
        String mark() throws IOException {
            String marker = "mark-" + UUID.randomUUID();
            try (Socket s = new Socket(socket.getInetAddress(), socket.getPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("ECHO " + marker + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            }
            return marker;
        }

        boolean sawMarker(String marker) {
            return lines.stream().anyMatch(line -> line.contains(marker));
        }

        /**
         * @return the commands clients sent (not those scripts ran) that name a key under the prefix, except the
         *         nodes' heartbeats, which run on their own schedule
         */
        List<String> clientCommands(String prefix) {
            return lines.stream().filter(line -> !line.contains(" lua]")).filter(line -> line.contains(prefix + ":"))
                    .filter(line -> !line.matches(".*\"" + prefix + ":node:[^\"]*:alive\".*")).toList();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
