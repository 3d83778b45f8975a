package dev.mcpstate.benchmarks;

import dev.mcpstate.examples.client.McpHttpClient;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens MCP sessions for an outside load generator ({@code wrk}) and prints their ids, comma-separated:
 * {@code java -cp mcp-state-benchmarks.jar dev.mcpstate.benchmarks.Sessions URL N}.
 */
public final class Sessions {

    private Sessions() {
    }

    public static void main(String[] args) {
        System.out.println(String.join(",", open(URI.create(args[0]), Integer.parseInt(args[1]))));
    }

    /** @return the ids of {@code n} new sessions (initialize + initialized) on the endpoint */
    static List<String> open(URI url, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new McpHttpClient(url).open("bench-" + i, "{}").sessionId());
        }
        return ids;
    }
}
