/**
 * The mcp-state session filter: the public API a server wires. {@link dev.mcpstate.interceptor.McpStateFilter} goes
 * in front of the MCP Java SDK servlet, configured by {@link dev.mcpstate.interceptor.InterceptorConfig};
 * {@link dev.mcpstate.interceptor.ClusterTransportProvider} makes server-initiated notifications cluster-wide.
 * Everything under {@code internal} may change in any release.
 */
package dev.mcpstate.interceptor;
