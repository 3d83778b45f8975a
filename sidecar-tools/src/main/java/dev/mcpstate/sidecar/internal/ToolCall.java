package dev.mcpstate.sidecar.internal;

import dev.mcpstate.sidecar.SidecarCaller;
import dev.mcpstate.store.sidecar.SidecarStore;

import java.util.Objects;

/**
 * One call of a tool, as its handler sees it.
 *
 * @param caller who is calling; never null
 * @param store the store scoped to the caller's tenant ({@code store.tenant()} is {@code caller.principal()});
 *     never null
 * @param args the arguments; never null
 */
public record ToolCall(SidecarCaller caller, SidecarStore store, Args args) {

    public ToolCall {
        Objects.requireNonNull(caller, "caller must not be null");
        Objects.requireNonNull(store, "store must not be null");
        Objects.requireNonNull(args, "args must not be null");
    }
}
