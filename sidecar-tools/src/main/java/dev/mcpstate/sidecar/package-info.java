/**
 * The state-sidecar tools ({@link dev.mcpstate.sidecar.SidecarTools}) for any MCP Java SDK server, on the storage's
 * {@link dev.mcpstate.store.sidecar.SidecarStore}; {@link dev.mcpstate.sidecar.SidecarOptions} bounds their inputs
 * and says who may reset. Each call runs on the state of its caller's tenant ({@link dev.mcpstate.sidecar.SidecarCaller},
 * captured from each HTTP request by {@link dev.mcpstate.sidecar.SidecarCallerExtractor}).
 */
package dev.mcpstate.sidecar;
