package dev.mcpstate.benchmarks;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Starts server and load-balancer processes, kills ({@code SIGKILL}) and restarts them, and stops every one it
 * started on {@link #close()}. Thread-safe.
 */
final class Procs implements AutoCloseable {

    /**
     * A running server process and how to start it again.
     *
     * @param stdout the process's standard output after its ready line, for {@link NodeMain}'s replies
     */
    record Node(String name, Process process, URI uri, List<String> command, BufferedReader stdout) {
        /** Sends {@link NodeMain} one command line on its standard input and returns its one-line reply. */
        String ask(String command) throws IOException {
            process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            String reply = stdout.readLine();
            if (reply == null) {
                throw new IOException(name + " ended instead of answering " + command);
            }
            return reply;
        }
    }

    private final Path jar;
    private final Path logDir;
    private final List<String> jvmArgs;
    private final List<Process> started = new CopyOnWriteArrayList<>(); // nodes may start in parallel

    /**
     * @param jar     the benchmarks jar holding {@link NodeMain}
     * @param logDir  where each process's standard error goes
     * @param jvmArgs extra JVM options of the server processes (e.g. a flight recording); {@code {name}} stands
     *                for the node's name
     */
    Procs(Path jar, Path logDir, List<String> jvmArgs) throws IOException {
        this.jar = jar.toAbsolutePath();
        this.logDir = Files.createDirectories(logDir);
        this.jvmArgs = jvmArgs;
    }

    /** Starts {@link NodeMain} with {@code args} and waits for its ready line. */
    Node node(String name, List<String> args) throws IOException {
        return node(name, "-Xmx1g", args);
    }

    /** Starts {@link NodeMain} with a heap limit ({@code -Xmx...}) and {@code args}; waits for its ready line. */
    Node node(String name, String heap, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), heap));
        jvmArgs.forEach(a -> command.add(a.replace("{name}", name)));
        command.addAll(List.of("-cp", jar.toString(), NodeMain.class.getName()));
        command.addAll(args);
        return start(name, command);
    }

    /** Starts a killed node again with the same command (same port, same store). */
    Node restart(Node dead) throws IOException {
        return start(dead.name(), dead.command());
    }

    /** Kills a node the hard way: {@code SIGKILL}, no shutdown hook runs. */
    static void kill(Node node) throws InterruptedException {
        node.process().destroyForcibly();
        node.process().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts the round-robin load balancer jar on {@code port} in front of {@code backends}. */
    URI loadBalancer(Path lbJar, int port, List<URI> backends) throws IOException {
        // a short, capped backoff for a backend that fails: the drill's restarted node must get traffic again
        // within the run, not after a doubled backoff has outlasted the calls that are left
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-jar", lbJar.toAbsolutePath().toString(),
                "--port", Integer.toString(port), "--down-backoff-millis", "200", "--max-down-backoff-millis",
                "1000"));
        for (URI b : backends) {
            command.add("--backend");
            command.add("http://" + b.getAuthority());
        }
        start("lb", command);
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    private Node start(String name, List<String> command) throws IOException {
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        started.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready;
        try {
            ready = CompletableFuture.supplyAsync(() -> {
                try { // the first line that says ready (a flight recording prints a line of its own first)
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith(NodeMain.READY) || line.contains("listening on")) {
                            return line;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            ready = null;
        }
        if (ready == null) {
            p.destroyForcibly();
            throw new IOException(name + " did not start; see " + log + ": " + Files.readString(log));
        }
        URI uri = ready.startsWith(NodeMain.READY) ? URI.create(ready.substring(NodeMain.READY.length())) : null;
        return new Node(name, p, uri, command, out);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Stops every process started here: {@code SIGTERM}, then {@code SIGKILL} after 10 s. */
    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
