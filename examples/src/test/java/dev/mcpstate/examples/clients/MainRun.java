package dev.mcpstate.examples.clients;

import dev.mcpstate.examples.server.McpStateServer;
import dev.mcpstate.examples.server.ServerOptions;
import dev.mcpstate.testing.RedisTestServer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of an example main's {@code run(args, out, err)}, with what it printed.
 *
 * @param exitCode what {@code run} returned
 * @param out      standard output
 * @param err      standard error
 */
record MainRun(int exitCode, String out, String err) {

    /** The {@code run(args, out, err)} method of a main. */
    @FunctionalInterface
    interface Main {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static MainRun of(Main main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = main.run(args, o, e);
        }
        return new MainRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** @return group 1 of the first match of {@code regex} in standard output */
    String find(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(out);
        if (!m.find()) {
            throw new AssertionError("no match for " + regex + " in:\n" + out + "\nstderr:\n" + err);
        }
        return m.group(1);
    }

    /** @return how many lines of standard output match {@code regex} */
    long lines(String regex) {
        Pattern p = Pattern.compile(regex);
        return out.lines().filter(line -> p.matcher(line).matches()).count();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }

    /** Starts an example node on the test Redis, on a free loopback port. */
    static McpStateServer startNode(String nodeId) throws Exception {
        return McpStateServer.start(ServerOptions.parse(new String[] {"--port", "0", "--store", "redis",
            "--redis-url", RedisTestServer.url(), "--node-id", nodeId}, Map.of()));
    }
}
