package dev.mcpstate.examples.client;

import java.util.Map;
import java.util.TreeMap;

/** Counts calls per serving node, for the summary line of the client demos. Not thread-safe. */
final class NodeTally {

    private final Map<String, Integer> counts = new TreeMap<>();

    /** Counts one call served by {@code node}. */
    void add(String node) {
        counts.merge(node, 1, Integer::sum);
    }

    /** @return e.g. {@code node-1=2 node-2=1}, nodes sorted by name */
    String summary() {
        StringBuilder line = new StringBuilder();
        counts.forEach((node, n) -> line.append(line.length() == 0 ? "" : " ").append(node).append('=').append(n));
        return line.toString();
    }
}
