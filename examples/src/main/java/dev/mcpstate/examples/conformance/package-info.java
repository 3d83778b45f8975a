/**
 * The conformance fixture server ({@code mcp-state-conformance-server.jar}): the tools, resources and prompts the
 * official MCP conformance suite calls, behind the mcp-state filter.
 */
package dev.mcpstate.examples.conformance;
