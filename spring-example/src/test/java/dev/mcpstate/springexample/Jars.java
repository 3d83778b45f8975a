package dev.mcpstate.springexample;

import dev.mcpstate.testing.TestJvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the Spring example jar (and the load balancer jar) as real processes on loopback: starts one, waits for its
 * ready line on standard output (standard error goes to a log file in {@code logDir}), stops it with SIGTERM.
 */
final class Jars implements AutoCloseable {

    /** This module's jar, repackaged by Spring Boot in the package phase, before the integration tests. */
    static final Path SERVER_JAR = Path.of("target", "mcp-state-spring-server.jar");
    /** The load balancer jar; the reactor builds loadbalancer-demo before this module. */
    static final Path LB_JAR = Path.of("..", "loadbalancer-demo", "target", "mcp-state-lb.jar");
    /** How long a jar may take to print its ready line: Spring Boot starts in seconds, three at once on 2 cores. */
    static final long READY_SECONDS = 120;

    private static final Pattern URL = Pattern.compile(" url=(\\S+)");

    /** A started jar and the line it printed when ready. */
    record Running(Process process, String readyLine) {

        /** @return the {@code url=} of the ready line: the MCP endpoint */
        URI url() {
            Matcher m = URL.matcher(readyLine);
            if (!m.find()) {
                throw new IllegalStateException("no url= in the ready line: " + readyLine);
            }
            return URI.create(m.group(1));
        }
    }

    private final List<Process> started = new ArrayList<>();
    private final Path logDir;

    Jars(Path logDir) {
        this.logDir = logDir;
    }

    /** Starts the Spring example server with Spring arguments ({@code --name=value}) on a free port. */
    Running server(String... springArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server.port=0"));
        args.addAll(List.of(springArgs));
        return start(SERVER_JAR, "mcp-state-spring-server ready:", args);
    }

    /**
     * Starts {@code java -jar jar args...} and waits for its first line of standard output.
     *
     * @return the process and its ready line, which starts with {@code readyPrefix}
     */
    Running start(Path jar, String readyPrefix, List<String> args) throws Exception {
        requireBuilt(jar);
        List<String> command = TestJvm.javaJar(jar.toAbsolutePath());
        command.addAll(args);
        Path log;
        Process process;
        synchronized (started) { // tests start several jars at once
            log = logDir.resolve(jar.getFileName() + "-" + started.size() + ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(logDir.toFile())
                    .redirectError(log.toFile());
            builder.environment().remove("REDIS_URL");
            process = builder.start();
            started.add(process);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String ready = firstLine.get(READY_SECONDS, TimeUnit.SECONDS);
        if (ready == null || !ready.startsWith(readyPrefix)) {
            throw new IllegalStateException("no ready line from " + jar + " (got: " + ready + "): "
                    + Files.readString(log));
        }
        return new Running(process, ready);
    }

    /** @throws IllegalStateException when {@code jar} has not been built */
    static void requireBuilt(Path jar) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it with ./mvnw package");
        }
    }

    /** Stops a started jar (SIGTERM: Spring closes the context) and waits until it has exited. */
    static void stop(Running running) throws InterruptedException {
        Process p = running.process();
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    /** Stops every jar started here, all at once. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (started) {
            all = List.copyOf(started);
        }
        for (Process p : all) {
            p.destroy();
        }
        try {
            for (Process p : all) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            all.forEach(Process::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }
}
