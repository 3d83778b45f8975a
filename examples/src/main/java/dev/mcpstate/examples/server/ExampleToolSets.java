package dev.mcpstate.examples.server;

import dev.mcpstate.store.Storage;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;

import java.util.List;

/** Tool sets the example server mounts besides its demo tools. */
final class ExampleToolSets {

    private ExampleToolSets() {
    }

    /** @return extra tools on the server's storage */
    static List<SyncToolSpecification> extra(Storage storage) {
        return List.of();
    }
}
