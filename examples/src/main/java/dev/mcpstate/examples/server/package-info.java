/**
 * The example server ({@code mcp-state-server.jar}): Jetty 12, the SDK servlet, the mcp-state filter, the demo tools
 * and the state-sidecar tools; {@link dev.mcpstate.examples.server.McpStateServer} runs any
 * {@link dev.mcpstate.examples.server.ServerDefinition}.
 */
package dev.mcpstate.examples.server;
