/**
 * The in-memory backend ({@link dev.mcpstate.store.memory.InMemoryBackend}): one process, nothing survives it; for
 * tests of servers built on mcp-state.
 */
package dev.mcpstate.store.memory;
