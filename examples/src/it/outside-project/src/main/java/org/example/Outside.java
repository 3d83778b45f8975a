package org.example;

import dev.mcpstate.jetty.McpStateJetty;
import dev.mcpstate.sidecar.SidecarTools;
import dev.mcpstate.store.StorageConfig;

/** Compiles against the modules the BOM manages. */
public final class Outside {

    public static void main(String[] args) {
        try (McpStateJetty state = McpStateJetty.builder().storage(StorageConfig.inMemory()).build()) {
            System.out.println(SidecarTools.specifications(state.storage().sidecar()).size() + " sidecar tools");
        }
    }
}
