package dev.mcpstate.lb;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mcpstate.testing.TestJvm;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.mcpstate.testing.FreePort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the shaded {@code target/mcp-state-lb.jar} as a separate JVM, the way the README tells users to. */
class ShadedJarIT {

    private static final Path JAR = Path.of("target", "mcp-state-lb.jar");

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void printsTheReadyLineAndProxiesRequests() throws Exception {
        TestBackend backend = TestBackend.echoing("node-a");
        resources.add(backend);
        int port = FreePort.find();
        Launched lb = launch("--port", String.valueOf(port), "--backend", backend.uri().toString());

        String expected = "mcp-state-lb listening on http://127.0.0.1:" + port + "/ -> 1 backend: " + backend.uri();
        await().atMost(Duration.ofSeconds(30)).until(() -> lb.stdout.contains(expected));

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(RoundRobinProxy.BACKEND_HEADER)).hasValue(backend.uri().toString());
        assertThat(response.headers().firstValue("Mcp-State-Node")).hasValue("node-a");
    }

    @Test
    void helpPrintsEveryOptionAndExitsZero() throws Exception {
        Launched lb = launch("--help");

        assertThat(lb.process.waitFor(30, SECONDS)).isTrue();
        assertThat(lb.process.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(String.join("\n", lb.stdout))
                .contains("--backend URL", "--host HOST", "--port PORT", "--idle-timeout-seconds SECS"));
    }

    @Test
    void invalidArgumentsExitTwoWithTheReason() throws Exception {
        Launched lb = launch("--port", "3000");

        assertThat(lb.process.waitFor(30, SECONDS)).isTrue();
        assertThat(lb.process.exitValue()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> lb.stderr.contains(
                "mcp-state-lb: at least one --backend URL is required (see --help)"));
    }

    /** A launched JVM with its output lines collected as they arrive. */
    private record Launched(Process process, List<String> stdout, List<String> stderr) {
    }

    private Launched launch(String... args) throws Exception {
        assertThat(JAR).as("shaded jar, built by the package phase").exists();
        List<String> command = TestJvm.javaJar(JAR, args);
        Process process = new ProcessBuilder(command).start();
        resources.add(() -> {
            process.destroy();
            process.waitFor(30, SECONDS);
        });
        Launched launched = new Launched(process, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        collect(process.getInputStream(), launched.stdout);
        collect(process.getErrorStream(), launched.stderr);
        return launched;
    }

    private static void collect(InputStream stream, List<String> lines) {
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))
                .lines().forEach(lines::add), "lb-output");
        reader.setDaemon(true);
        reader.start();
    }
}
