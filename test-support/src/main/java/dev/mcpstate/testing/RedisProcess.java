package dev.mcpstate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} process of a test's own, on a fixed loopback port: for tests that take Redis away and
 * bring it back — {@link #kill()} it, {@link #pause()} it (it keeps its connections but answers
 * nothing, like a hung server or a lost network), then {@link #start()} or {@link #resume()} it on the same port.
 * Without persistence ({@link #launch()}) it comes back empty; with it ({@link #launchPersistent()}: an append-only
 * file synced on every write) it comes back with every write it acknowledged. The shared server of
 * {@link RedisTestServer} is never stopped; use this class instead.
 *
 * <p>Needs {@code redis-server} on the {@code PATH} (CI installs it); without it {@link #launch()} throws
 * {@link IllegalStateException}, so such tests fail, never skip. {@link #pause()} and {@link #resume()} send
 * {@code SIGSTOP}/{@code SIGCONT} through {@code kill}, so they work on Linux and macOS only. Not thread-safe: one
 * test drives it. {@link #close()} kills the process; a JVM exit does too.
 */
public final class RedisProcess implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(20);

    private final String binary;
    private final int port;
    private final Path dir;
    private final boolean persistent;
    private final List<String> extraArgs;
    private Process process;
    private boolean paused;

    private RedisProcess(String binary, int port, Path dir, boolean persistent, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.persistent = persistent;
        this.extraArgs = List.copyOf(extraArgs);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "redis-process-stop-" + port));
    }

    /**
     * Starts a new {@code redis-server} without persistence on a free loopback port and waits until it listens.
     *
     * @return the running server
     * @throws IllegalStateException when {@code redis-server} is not on the {@code PATH} or does not start
     */
    public static RedisProcess launch() {
        return launch(binary(), false);
    }

    /**
     * Starts a new {@code redis-server} that keeps an append-only file synced on every write ({@code appendfsync
     * always}), so it comes back from {@link #kill()} with everything it acknowledged.
     *
     * @return the running server
     * @throws IllegalStateException when {@code redis-server} is not on the {@code PATH} or does not start
     */
    public static RedisProcess launchPersistent() {
        return launch(binary(), true);
    }

    /**
     * Starts a new {@code redis-server} without persistence on a free loopback port as a replica of {@code master}
     * ({@code --replicaof}); it starts copying the master's data at once. Waiting until it is in sync is the caller's
     * business ({@code INFO replication}: {@code master_link_status:up}).
     *
     * @param master a running server of this class
     * @return the running replica
     * @throws IllegalStateException when {@code redis-server} is not on the {@code PATH} or does not start
     */
    public static RedisProcess launchReplicaOf(RedisProcess master) {
        try {
            return launch(binary(), FreePort.find(), Files.createTempDirectory("mcp-state-redis-replica"),
                    List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for redis-server", e);
        }
    }

    /** @return the absolute path of {@code redis-server} on the {@code PATH} */
    static String binary() {
        String binary = findOnPath("redis-server");
        if (binary == null) {
            throw new IllegalStateException("redis-server is not on the PATH; install it (Debian/Ubuntu: apt-get "
                    + "install redis-server; macOS: brew install redis)");
        }
        return binary;
    }

    /** Starts {@code binary} on a free port; for {@link RedisTestServer}. */
    static RedisProcess launch(String binary, boolean persistent) {
        try {
            RedisProcess redis = new RedisProcess(binary, FreePort.find(),
                    Files.createTempDirectory("mcp-state-redis"), persistent, List.of());
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for redis-server", e);
        }
    }

    /**
     * Starts {@code binary} on a given port and folder with more {@code redis-server} arguments (for
     * {@link RedisClusterProcess}); without persistence, so a node comes back empty but keeps its cluster identity
     * (the {@code cluster-config-file} in {@code dir}).
     */
    static RedisProcess launch(String binary, int port, Path dir, List<String> extraArgs) {
        RedisProcess redis = new RedisProcess(binary, port, dir, false, extraArgs);
        redis.start();
        return redis;
    }

    /** @return {@code redis://127.0.0.1:<port>}; the same across restarts */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return the TCP port, the same across restarts */
    public int port() {
        return port;
    }

    /** @return true while the process runs (paused or not) */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the server again on the same port — empty, or with its append-only file when persistent — and waits
     * until it listens. Does nothing while it runs.
     *
     * @throws IllegalStateException when it does not listen within 20 s
     */
    public synchronized void start() {
        if (running()) {
            return;
        }
        try {
            List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
                    "--dir", dir.toString(), "--protected-mode", "no"));
            command.addAll(extraArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
            paused = false;
            awaitPort();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kills the server ({@code SIGKILL}) and waits until it is gone: its clients' connections are closed by the
     * kernel at once and new ones are refused. Does nothing when it is not running.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing redis-server", e);
        }
        process = null;
        paused = false;
    }

    /**
     * Freezes the server ({@code SIGSTOP}): connections stay open, commands get no answer, new connections are
     * accepted by the kernel but never served.
     */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** Lets a paused server go on ({@code SIGCONT}); it then answers what it was sent meanwhile. */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    /** Kills the server; idempotent. A paused server is killed too. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            if (paused) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    private void signal(String name) {
        if (!running()) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis-server", e);
        }
    }

    private void awaitPort() throws IOException {
        Instant deadline = Instant.now().plus(START_WAIT);
        Path log = dir.resolve("redis.log");
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(log).toLowerCase(Locale.ROOT));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for redis-server", e);
                }
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port + " within "
                + START_WAIT.toSeconds() + " s");
    }

    /** @return the absolute path of an executable on the {@code PATH}, or null */
    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
