package dev.mcpstate.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM a test starts: this JVM's {@code java} with the JIT stopped at its first tier
 * ({@code -XX:TieredStopAtLevel=1}). A test's process lives for seconds, too short to earn back the CPU of the
 * optimizing compiler; benchmark processes do not use this. Thread-safe (stateless).
 */
public final class TestJvm {

    /** The {@code java} launcher of the running JVM. */
    public static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** The JVM options every test-started JVM gets. */
    public static final List<String> OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    private TestJvm() {
    }

    /**
     * @param jar the jar to run; not null
     * @return a new, mutable list {@code java <OPTIONS> -jar <jar> args...}, for more arguments to be added
     */
    public static List<String> javaJar(Path jar, String... args) {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return command;
    }
}
