package dev.mcpstate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.interceptor.sse.SseEvent;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example server on a store that goes away. Redis killed: every request gets {@code 503} with
 * {@code Retry-After} and a JSON-RPC error body within 3 s, an open response stream ends with a JSON-RPC error for
 * its request instead of hanging, and once Redis is back on its port the same node serves again, without a
 * restart; each Redis test runs its own {@code redis-server} (with an append-only file, so the sessions survive the
 * kill like they would on a production Redis). SQLite file deleted, replaced or made read-only: {@code 503}, never
 * an answer whose messages went into a file no one will read. Meanwhile {@code /health/ready} says {@code 503} with
 * the store named, {@code /health/live} stays {@code 200}, and readiness is back once the store is.
 */
class StoreOutageIT {

    private static final Logger log = LoggerFactory.getLogger(StoreOutageIT.class);
    /** The bound: every request during an outage is answered within it. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);
    private static final Duration RECOVER_WITHIN = Duration.ofSeconds(15);
    /** One client for the health probes, which Awaitility repeats. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** What happens to the SQLite file under the running node. */
    enum SqliteFault {
        DELETED, REPLACED, READ_ONLY
    }

    @TempDir
    Path dir;
    private RedisProcess redis;
    private McpStateServer server;

    private McpHttpClient start() throws Exception {
        redis = RedisProcess.launchPersistent();
        server = McpStateServer.start(ServerOptions.parse(new String[] {"--port", "0", "--store", "redis",
                "--redis-url", redis.url(), "--node-id", "node-a"}, Map.of()));
        return Clients.session(server.uri()).readTimeout(Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        Path file = dir.resolve("state.db");
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void whileRedisIsKilledEveryRequestGets503WithRetryAfterWithin3sAndTheNodeServesAgainWhenItIsBack()
            throws Exception {
        McpHttpClient client = start();
        assertThat(client.callTool("echo", "{\"text\":\"before\"}").at("/result/content/0/text").asText())
                .isEqualTo("before");

        redis.kill();
        long slowest = 0;
        for (int i = 0; i < 5; i++) {
            int id = client.nextId();
            long started = System.nanoTime();
            try (McpHttpClient.Response refused = client.post(McpHttpClient.toolCall(id, "echo",
                    "{\"text\":\"during\"}", null))) {
                String body = refused.text();
                long took = (System.nanoTime() - started) / 1_000_000;
                slowest = Math.max(slowest, took);
                assertThat(refused.status()).as(body).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(refused.header("Content-Type")).startsWith("application/json");
                assertUnavailableError(body, id);
            }
        }
        long started = System.nanoTime();
        try (McpHttpClient.Response listening = client.get(null)) {
            assertThat(listening.status()).isEqualTo(503);
            assertThat(listening.header("Retry-After")).isEqualTo("1");
            assertUnavailableError(listening.text(), null);
        }
        slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
        started = System.nanoTime();
        try (McpHttpClient.Response init = new McpHttpClient(server.uri()).initialize("other", "{}")) {
            assertThat(init.status()).isEqualTo(503);
            assertThat(init.header("Retry-After")).isEqualTo("1");
            assertUnavailableError(init.text(), 0);
        }
        slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
        log.info("while Redis was down the slowest 503 took {} ms", slowest);
        assertThat(Duration.ofMillis(slowest)).isLessThan(ANSWER_WITHIN);
        assertNotReadyButLive();

        redis.start(); // same port, same append-only file
        long back = System.nanoTime();
        await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.callTool("echo", "{\"text\":\"after\"}").at("/result/content/0/text").asText())
                        .isEqualTo("after"));
        log.info("the same session was served again {} ms after Redis was back", (System.nanoTime() - back)
                / 1_000_000);
        McpHttpClient fresh = Clients.session(server.uri());
        assertThat(fresh.callTool("whoami", "{}").at("/result/content/0/text").asText()).contains("node=node-a");
        server.state().storage().check();
        awaitReady();
    }

    @Test
    void whileRedisHangsEveryRequestGets503Within3sAndTheNodeServesAgainWhenItAnswers() throws Exception {
        McpHttpClient client = start();
        assertThat(client.callTool("echo", "{\"text\":\"before\"}").at("/result/content/0/text").asText())
                .isEqualTo("before");

        redis.pause(); // connections stay open, nothing is answered: only the command timeout (2 s) ends a wait
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int id = client.nextId();
            long started = System.nanoTime();
            try (McpHttpClient.Response refused = client.post(McpHttpClient.toolCall(id, "echo",
                    "{\"text\":\"during\"}", null))) {
                String body = refused.text();
                times.add((System.nanoTime() - started) / 1_000_000);
                assertThat(refused.status()).as(body).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertUnavailableError(body, id);
            }
        }
        log.info("while Redis hung, 503s came after {} ms", times);
        assertThat(times).allSatisfy(ms -> assertThat(Duration.ofMillis(ms)).isLessThan(ANSWER_WITHIN));

        redis.resume();
        await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.callTool("echo", "{\"text\":\"after\"}").at("/result/content/0/text").asText())
                        .isEqualTo("after"));
    }

    @Test
    void aResponseStreamWhoseAppendsFailEndsWithAnErrorForItsRequestInsteadOfHanging() throws Exception {
        McpHttpClient client = start();
        int id = client.nextId();
        // 80 steps, 100 ms apart: the tool runs about 8 s, far beyond the stream's end
        McpHttpClient.Response stream = client.post(McpHttpClient.toolCall(id, "slow_count",
                "{\"count\":80,\"interval_ms\":100}", "tok"));
        assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
        List<SseEvent> received = new ArrayList<>();
        long killed;
        try (McpHttpClient.Response reader = stream) {
            while (received.size() < 4) {
                received.add(reader.nextMessage());
            }
            redis.kill();
            killed = System.nanoTime();
            for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                received.add(e);
            }
        }
        long endedAfter = (System.nanoTime() - killed) / 1_000_000;
        log.info("the response stream ended {} ms after Redis was killed, with {} events", endedAfter,
                received.size());
        assertThat(Duration.ofMillis(endedAfter)).as("the stream ends while the tool still runs")
                .isLessThan(ANSWER_WITHIN);
        SseEvent last = received.get(received.size() - 1);
        assertThat(last.id()).as("the error is not stored, so it cannot be resumed past").isNull();
        assertUnavailableError(last.data(), id);
        assertThat(received.subList(0, received.size() - 1)).allSatisfy(e ->
                assertThat(Json.MAPPER.readTree(e.data()).path("method").asText()).startsWith("notifications/"));
        String lastStored = received.get(received.size() - 2).id();

        redis.start(); // a short blip: back long before the tool is done
        await().atMost(RECOVER_WITHIN).ignoreExceptions().untilAsserted(() -> server.state().storage().check());
        // the cut stream left no connection behind: the next call does not wait for the tool on a reused one
        long next = System.nanoTime();
        assertThat(client.callTool("echo", "{\"text\":\"after\"}").at("/result/content/0/text").asText())
                .isEqualTo("after");
        long nextTook = (System.nanoTime() - next) / 1_000_000;
        log.info("the next call on the same client took {} ms while the tool still ran", nextTook);
        assertThat(Duration.ofMillis(nextTook)).isLessThan(ANSWER_WITHIN);
        // once the tool is done, the stored stream ends with the same error: a client resuming it is told too
        await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<SseEvent> resumed = new ArrayList<>();
            try (McpHttpClient.Response reader = client.get(lastStored)) {
                assertThat(reader.status()).isEqualTo(200);
                for (SseEvent e = reader.nextMessage(); e != null; e = reader.nextMessage()) {
                    resumed.add(e);
                }
            }
            assertThat(resumed).isNotEmpty();
            assertUnavailableError(resumed.get(resumed.size() - 1).data(), id);
        });
    }

    @ParameterizedTest
    @EnumSource(SqliteFault.class)
    void aSqliteFileTakenAwayWhileRunningGets503AndNothingIsReportedStored(SqliteFault fault) throws Exception {
        Path file = dir.resolve("state.db");
        server = McpStateServer.start(ServerOptions.parse(new String[] {"--port", "0", "--store", "sqlite", "--db",
                file.toString(), "--node-id", "node-a"}, Map.of()));
        McpHttpClient client = Clients.session(server.uri());
        assertThat(client.callTool("echo", "{\"text\":\"before\"}").at("/result/content/0/text").asText())
                .isEqualTo("before");

        switch (fault) {
            case DELETED -> Files.delete(file);
            case REPLACED -> {
                Path copy = dir.resolve("restored.db");
                Files.copy(file, copy);
                Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            case READ_ONLY -> Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        }
        for (int i = 0; i < 3; i++) {
            int id = client.nextId();
            long started = System.nanoTime();
            try (McpHttpClient.Response refused = client.post(McpHttpClient.toolCall(id, "echo",
                    "{\"text\":\"lost\"}", null))) {
                String body = refused.text();
                long took = (System.nanoTime() - started) / 1_000_000;
                log.info("SQLite file {}: call {} answered {} after {} ms", fault, i, refused.status(), took);
                assertThat(refused.status()).as("not an answer: its messages were not stored; %s", body)
                        .isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertUnavailableError(body, id);
                assertThat(Duration.ofMillis(took)).isLessThan(ANSWER_WITHIN);
            }
        }
        assertThat(server.state().storage().available()).isFalse();
        assertNotReadyButLive();

        if (fault == SqliteFault.READ_ONLY) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                    assertThat(client.callTool("echo", "{\"text\":\"after\"}").at("/result/content/0/text")
                            .asText()).isEqualTo("after"));
            awaitReady();
        }
    }

    private HttpResponse<String> health(String which) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/health/" + which))
                .timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Readiness says 503 naming the store (within its one-second cache), liveness 200. */
    private void assertNotReadyButLive() throws Exception {
        await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> ready = health("ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(Json.MAPPER.readTree(ready.body()).at("/checks/store").asText()).isEqualTo("DOWN");
        });
        assertThat(health("live").statusCode()).isEqualTo(200);
    }

    private void awaitReady() {
        await().atMost(RECOVER_WITHIN).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(health("ready").statusCode()).isEqualTo(200));
    }

    /** The body is a JSON-RPC error -32003 for request {@code id} (or null), with no trace of the server's code. */
    private static void assertUnavailableError(String body, Integer id) throws Exception {
        JsonNode error = Json.MAPPER.readTree(body);
        assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
        if (id == null) {
            assertThat(error.get("id").isNull()).as(body).isTrue();
        } else {
            assertThat(error.path("id").asInt(-1)).as(body).isEqualTo(id);
        }
        assertThat(error.at("/error/code").asInt()).as(body).isEqualTo(-32003);
        assertThat(error.at("/error/message").asText()).as(body).contains("unavailable");
        assertThat(body).doesNotContain("Exception").doesNotContain("dev.mcpstate").doesNotContain("io.lettuce")
                .doesNotContain("\tat ");
    }
}
