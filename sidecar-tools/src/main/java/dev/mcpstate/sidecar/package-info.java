/**
 * The state-sidecar tools ({@link dev.mcpstate.sidecar.SidecarTools}) for any MCP Java SDK server, on the storage's
 * {@link dev.mcpstate.store.sidecar.SidecarStore}; {@link dev.mcpstate.sidecar.SidecarOptions} bounds their inputs.
 */
package dev.mcpstate.sidecar;
