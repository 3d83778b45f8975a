/**
 * The storage SPI of mcp-state: {@link dev.mcpstate.store.Storage} (an open backend), {@link
 * dev.mcpstate.store.StorageBackend} (what a backend supplies), {@link dev.mcpstate.store.StorageConfig} (which
 * built-in backend, and retention), the {@link dev.mcpstate.store.SessionStore}, the {@link
 * dev.mcpstate.store.EventStore} (where events are stored), the {@link dev.mcpstate.store.RateLimitStore} (token
 * buckets shared by the nodes) and the {@link dev.mcpstate.store.ClusterBus}.
 */
package dev.mcpstate.store;
