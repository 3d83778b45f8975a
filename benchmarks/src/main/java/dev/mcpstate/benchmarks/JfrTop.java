package dev.mcpstate.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Summarises JFR CPU samples ({@code jdk.ExecutionSample}) of each {@code *.jfr} in a folder: the share of samples
 * per library (by the top frame's package), the hottest methods by self time, and the project methods (dev.mcpstate)
 * that the most samples pass through. {@code java -cp mcp-state-benchmarks.jar dev.mcpstate.benchmarks.JfrTop DIR}.
 */
public final class JfrTop {

    private static final List<String[]> LIBRARIES = List.of(
            new String[] {"dev.mcpstate.", "mcp-state"}, new String[] {"io.lettuce.", "lettuce"},
            new String[] {"io.netty.", "netty"}, new String[] {"org.sqlite.", "sqlite-jdbc"},
            new String[] {"com.fasterxml.jackson.", "jackson"}, new String[] {"com.networknt.", "json-schema"},
            new String[] {"org.eclipse.jetty.", "jetty"}, new String[] {"io.modelcontextprotocol.", "mcp-sdk"},
            new String[] {"reactor.", "reactor"}, new String[] {"ch.qos.logback.", "logback"},
            new String[] {"java.", "jdk"}, new String[] {"jdk.", "jdk"}, new String[] {"sun.", "jdk"});

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(args[0]))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jfr")).sorted().toList()) {
                summarise(f, args.length > 1 ? Integer.parseInt(args[1]) : 15);
            }
        }
    }

    private static void summarise(Path file, int top) throws IOException {
        Map<String, Integer> byLibrary = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> project = new HashMap<>();
        int samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null
                        || e.getStackTrace().getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                String topType = frames.get(0).getMethod().getType().getName();
                byLibrary.merge(library(topType), 1, Integer::sum);
                self.merge(name(frames.get(0)), 1, Integer::sum);
                frames.stream().map(JfrTop::name).filter(n -> n.startsWith("dev.mcpstate.")).distinct()
                        .forEach(n -> project.merge(n, 1, Integer::sum));
            }
        }
        System.out.printf("== %s: %d CPU samples%n-- by library (top frame):%n", file.getFileName(), samples);
        print(byLibrary, samples, top);
        System.out.println("-- hottest methods (self):");
        print(self, samples, top);
        System.out.println("-- project methods on the stack (inclusive):");
        print(project, samples, top);
    }

    private static String library(String type) {
        for (String[] l : LIBRARIES) {
            if (type.startsWith(l[0])) {
                return l[1];
            }
        }
        return "other";
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(Map<String, Integer> counts, int total, int top) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total),
                        e.getKey()));
    }
}
