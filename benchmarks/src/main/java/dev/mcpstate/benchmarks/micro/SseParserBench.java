package dev.mcpstate.benchmarks.micro;

import dev.mcpstate.interceptor.sse.SseParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;

/**
 * {@link SseParser} on the frames the SDK writes for {@code slow_count} (one progress notification per frame), fed
 * whole and in 7-byte pieces (frames, lines and UTF-8 characters split across writes). Score: events per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
public class SseParserBench {

    static final int EVENTS = 100;

    private byte[] stream;
    private SseParser parser;
    private Blackhole sink;

    @Setup
    public void setUp(Blackhole blackhole) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= EVENTS; i++) {
            sb.append("id: 7a0c2f_").append(i).append("\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":")
                    .append("\"notifications/progress\",\"params\":{\"progressToken\":\"p\",\"progress\":").append(i)
                    .append(".0,\"total\":100.0,\"message\":\"step ").append(i).append(" of 100 \u2713\"}}\n\n");
        }
        stream = sb.toString().getBytes(StandardCharsets.UTF_8);
        sink = blackhole;
        parser = new SseParser(e -> sink.consume(e));
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void wholeFrames() {
        parser.feed(stream, 0, stream.length);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void splitEvery7Bytes() {
        for (int off = 0; off < stream.length; off += 7) {
            parser.feed(stream, off, Math.min(7, stream.length - off));
        }
    }
}
