package dev.mcpstate.benchmarks.micro;

import dev.mcpstate.store.Direction;
import dev.mcpstate.store.SessionRecord;
import dev.mcpstate.store.SessionStatus;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.store.StreamKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The store calls on the filter's hot path, one thread, each a full round trip: {@code append} (every message of
 * every exchange), {@code find} (every request's session check) and {@code openStream}+{@code closeStream} (every
 * request). Redis needs {@code -Dbench.redisUrl=redis://127.0.0.1:PORT}. Score: microseconds per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreBench {

    private static final String MESSAGE = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
            + "{\"progressToken\":\"p\",\"progress\":1.0,\"total\":100.0,\"message\":\"step 1 of 100\"}}";

    @Param({"sqlite", "redis"})
    public String backend;

    private Storage storage;
    private Path dir;
    private String session;
    private int stream;

    @Setup(Level.Trial)
    public void open() throws IOException {
        StorageConfig config;
        if (backend.equals("redis")) {
            config = StorageConfig.redis(System.getProperty("bench.redisUrl", StorageConfig.DEFAULT_REDIS_URL));
        } else {
            dir = Files.createTempDirectory("store-bench");
            config = StorageConfig.sqlite(dir.resolve("bench.db"));
        }
        storage = Storage.open(config, Clock.systemUTC());
        session = UUID.randomUUID().toString();
        Instant now = Instant.now();
        storage.sessions().save(new SessionRecord(session, SessionStatus.ACTIVE, "2025-11-25", "{}", "{}", "{}", null,
                "bench", now, now));
        storage.events().openStream(session, "rbench", StreamKind.RESPONSE, "bench#0");
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        storage.events().deleteSession(session);
        storage.close();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    public Object append() {
        return storage.events().append(session, "rbench", Direction.SERVER_TO_CLIENT, MESSAGE);
    }

    @Benchmark
    public Object findSession() {
        return storage.sessions().find(session);
    }

    @Benchmark
    public void openAndCloseStream() {
        String id = "r" + (stream++);
        storage.events().openStream(session, id, StreamKind.RESPONSE, "bench#0");
        storage.events().closeStream(session, id);
    }
}
