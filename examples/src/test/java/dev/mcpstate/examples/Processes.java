package dev.mcpstate.examples;

import dev.mcpstate.testing.TestJvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the project's jars as real processes for tests, and stops them. */
final class Processes implements AutoCloseable {

    /** The load balancer jar; the reactor builds loadbalancer-demo before examples. */
    static final Path LB_JAR = Path.of("..", "loadbalancer-demo", "target", "mcp-state-lb.jar");
    /**
     * This module's server jar, built in the package phase before the integration tests; the system property
     * {@code mcp-state.server-jar} points elsewhere (sdk-compat runs these tests from its own directory).
     */
    static final Path SERVER_JAR = Path.of(System.getProperty("mcp-state.server-jar",
            Path.of("target", "mcp-state-server.jar").toString()));

    private final List<Process> started = new ArrayList<>();
    private final Path logDir;

    Processes(Path logDir) {
        this.logDir = logDir;
    }

    /**
     * Starts {@code java -jar jar args...} ({@link TestJvm}) and waits for its first line of standard output.
     *
     * @return the process; its first output line must start with {@code readyPrefix}
     */
    Process start(Path jar, String readyPrefix, List<String> args) throws Exception {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it with ./mvnw package");
        }
        List<String> command = TestJvm.javaJar(jar.toAbsolutePath());
        command.addAll(args);
        Path log = logDir.resolve(jar.getFileName() + "-" + started.size() + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(logDir.toFile()).redirectError(log.toFile());
        builder.environment().remove("REDIS_URL");
        Process process = builder.start();
        started.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String ready = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        if (ready == null || !ready.startsWith(readyPrefix)) {
            throw new IllegalStateException("no ready line from " + jar + " (got: " + ready + "): "
                    + Files.readString(log));
        }
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
