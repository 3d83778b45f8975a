package dev.mcpstate.demo.prreview;

import dev.mcpstate.testing.TestJvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A project jar run as a real process ({@code java -jar}), ready once it prints its ready line; stopped on close. */
final class JarProcess implements AutoCloseable {

    private final Process process;
    private final String readyLine;

    private JarProcess(Process process, String readyLine) {
        this.process = process;
        this.readyLine = readyLine;
    }

    /**
     * @param jarProperty the system property naming the jar (set by the build: demo.jar, sidecar.jar, lb.jar)
     * @param readyPrefix how its first line of standard output starts
     * @param log         where its standard error goes
     */
    static JarProcess start(String jarProperty, String readyPrefix, List<String> args, Path log) throws Exception {
        Path jar = Path.of(System.getProperty(jarProperty, "missing-" + jarProperty));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it with ./mvnw package");
        }
        List<String> command = TestJvm.javaJar(jar.toAbsolutePath());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().remove("REDIS_URL");
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
        if (line == null || !line.startsWith(readyPrefix)) {
            process.destroyForcibly();
            throw new IllegalStateException(jar.getFileName() + " did not get ready (first line: " + line + "): "
                    + Files.readString(log));
        }
        return new JarProcess(process, line);
    }

    /** @return the first line it printed */
    String readyLine() {
        return readyLine;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
