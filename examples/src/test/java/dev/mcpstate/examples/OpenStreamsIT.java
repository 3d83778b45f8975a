package dev.mcpstate.examples;

import dev.mcpstate.examples.client.McpHttpClient;
import dev.mcpstate.examples.server.McpStateServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Open listening streams hold no thread: a node's own threads stay flat from 200 to 2,000 open GET streams (real
 * sockets on loopback, one shared client), Jetty's request pool stays within its bound, and one notification then
 * reaches every stream. The client is one {@link HttpClient} with its own named threads in this same JVM, left out of
 * the counts.
 */
class OpenStreamsIT {

    private static final int FIRST = 200;
    private static final int ALL = 2_000;
    /** Threads a node may add between 200 and 2,000 streams: none are needed; a few for pools settling. */
    private static final int SLACK = 4;
    /** Jetty's default request pool: {@code qtp<hash>-<n>} threads, at most 200. */
    private static final String JETTY_POOL = "qtp";
    private static final int JETTY_POOL_MAX = 200;
    private static final int CLIENT_THREADS = 4;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(CLIENT_THREADS, r -> {
                Thread thread = new Thread(r, "HttpClient-test-worker");
                thread.setDaemon(true);
                return thread;
            }))
            .connectTimeout(Duration.ofSeconds(5)).build();

    @ParameterizedTest
    @EnumSource(Backend.class)
    void threadsStayFlatWhileStreamsGrowAndANotificationReachesThemAll(Backend backend, @TempDir Path dir)
            throws Exception {
        backend.reset();
        try (McpStateServer node = McpStateServer.start(backend.options(dir.resolve("streams.db"), "streams"))) {
            URI url = node.uri();
            Listeners listeners = new Listeners();
            openStreams(url, FIRST, listeners);
            int threadsAtFirst = nodeThreads();
            openStreams(url, ALL - FIRST, listeners);
            int threadsAtAll = nodeThreads();

            assertThat(listeners.open()).isEqualTo(ALL);
            assertThat(threadsAtAll).as("the node's own threads with %d streams open; %d at %d streams", ALL,
                    threadsAtFirst, FIRST).isLessThanOrEqualTo(threadsAtFirst + SLACK);
            assertThat(jettyPoolThreads()).as("Jetty's request threads: its pool's bound, whatever the streams")
                    .isLessThanOrEqualTo(JETTY_POOL_MAX);
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - CLIENT_THREADS - 1)
                    .as("live threads of the node: at most Jetty's pool + 64").isLessThanOrEqualTo(JETTY_POOL_MAX + 64);

            node.notifyClients("notifications/message", Map.of("level", "info", "data", "to-all-streams"));
            assertThat(listeners.delivered.await(60, TimeUnit.SECONDS))
                    .as("the notification reached %d of %d streams", ALL - listeners.delivered.getCount(), ALL)
                    .isTrue();
        }
    }

    /** @return live threads of this JVM that are neither the client's nor Jetty's request pool's */
    private static int nodeThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> !name.startsWith("HttpClient-") && !name.startsWith(JETTY_POOL)).count();
    }

    private static int jettyPoolThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(JETTY_POOL)).count();
    }

    /** Opens {@code count} sessions, 50 at a time, each with its listening stream; returns once all are open. */
    private void openStreams(URI url, int count, Listeners listeners) {
        for (int done = 0; done < count; done += 50) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (int i = done; i < Math.min(count, done + 50); i++) {
                batch.add(openSession(url).thenCompose(session -> listen(url, session, listeners)));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        }
    }

    private CompletableFuture<String> openSession(URI url) {
        String init = McpHttpClient.initializeRequest("open-streams", "{}", McpHttpClient.PROTOCOL_VERSION);
        return http.sendAsync(McpHttpClient.postRequest(url, null, init), HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
            return http.sendAsync(McpHttpClient.postRequest(url, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                    HttpResponse.BodyHandlers.discarding()).thenApply(ack -> {
                        assertThat(ack.statusCode()).isEqualTo(202);
                        return session;
                    });
        });
    }

    /** Opens the session's listening stream; completes once its head (200) arrived, while the body goes on. */
    private CompletableFuture<Void> listen(URI url, String session, Listeners listeners) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        http.sendAsync(McpHttpClient.listenRequest(url, session), info -> {
            if (info.statusCode() == 200) {
                listeners.opened.incrementAndGet();
                opened.complete(null);
            } else {
                opened.completeExceptionally(new AssertionError("GET answered " + info.statusCode()));
            }
            return HttpResponse.BodySubscribers.fromLineSubscriber(new LineWatcher(listeners.delivered));
        }).whenComplete((response, error) -> {
            if (error != null) {
                opened.completeExceptionally(error);
            }
        });
        return opened;
    }

    /** What the open streams received. */
    private static final class Listeners {
        private final AtomicInteger opened = new AtomicInteger();
        private final CountDownLatch delivered = new CountDownLatch(ALL);

        int open() {
            return opened.get();
        }
    }

    /** Counts down once when its stream carries the notification. */
    private static final class LineWatcher implements Flow.Subscriber<String> {
        private final CountDownLatch delivered;
        private boolean seen;

        LineWatcher(CountDownLatch delivered) {
            this.delivered = delivered;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!seen && line.startsWith("data:") && line.contains("to-all-streams")) {
                seen = true;
                delivered.countDown();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the stream ends with the test
        }

        @Override
        public void onComplete() {
            // the stream ends with the test
        }
    }
}
