/**
 * The storage SPI of the state-sidecar tools: {@link dev.mcpstate.store.sidecar.SidecarStore} and the records its
 * operations return.
 */
package dev.mcpstate.store.sidecar;
