/** A terminal monitor of the sessions, streams and events an mcp-state cluster keeps in Redis. */
package dev.mcpstate.examples.monitor;
