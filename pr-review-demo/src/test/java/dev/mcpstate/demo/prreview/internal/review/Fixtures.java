package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.PatchSet;
import dev.mcpstate.demo.prreview.internal.diff.UnifiedDiff;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixtures the demo ships, and the findings each is known to have: {@code expected/<fixture>.txt} in the test
 * resources, one {@link Finding#summary()} a line, sorted.
 */
public final class Fixtures {

    /** The fixtures, in the order of the demo's index. */
    public static final List<String> NAMES = List.of("orders-report", "export-worker", "webhook-deploy",
            "lru-get-refresh");

    private Fixtures() {
    }

    /** @return the fixture's diff */
    public static String diff(String name) {
        return read("/dev/mcpstate/demo/prreview/fixtures/" + name + ".diff");
    }

    /** @return the findings the fixture is known to have, sorted */
    public static List<String> expected(String name) {
        return read("/expected/" + name + ".txt").lines().filter(l -> !l.isBlank() && !l.startsWith("#")).sorted()
                .toList();
    }

    /** @return every reviewer's findings on the fixture, computed here, sorted */
    public static List<String> computed(String name) {
        PatchSet patch = UnifiedDiff.parse(diff(name));
        List<String> found = new ArrayList<>();
        for (DiffFile file : patch.files()) {
            for (ReviewKind kind : ReviewKind.values()) {
                kind.reviewer().review(file, patch).forEach(f -> found.add(f.summary()));
            }
        }
        return found.stream().sorted().toList();
    }

    private static String read(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
