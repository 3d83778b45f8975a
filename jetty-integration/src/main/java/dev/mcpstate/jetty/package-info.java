/** Wraps a Jetty 12 (ee10) MCP server with the mcp-state filter in one call: {@link dev.mcpstate.jetty.McpStateJetty}. */
package dev.mcpstate.jetty;
