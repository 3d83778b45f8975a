package dev.mcpstate.examples.server;

import dev.mcpstate.sidecar.SidecarStores;
import dev.mcpstate.sidecar.SidecarTools;
import dev.mcpstate.store.Storage;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;

import java.util.List;

/** Tool sets the example server mounts besides its demo tools. */
final class ExampleToolSets {

    private ExampleToolSets() {
    }

    /** @return the state-sidecar tools, on the same storage as the session filter */
    static List<SyncToolSpecification> extra(Storage storage) {
        return SidecarTools.specifications(SidecarStores.on(storage));
    }
}
