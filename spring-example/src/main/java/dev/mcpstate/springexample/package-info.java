/**
 * The Spring Boot example server: a Spring AI MCP server on Tomcat
 * ({@link dev.mcpstate.springexample.McpStateSpringServer}) whose tools
 * ({@link dev.mcpstate.springexample.DemoTools}) know nothing of mcp-state; the starter puts the session filter in
 * front of it, configured by {@code mcp-state.*} properties.
 */
package dev.mcpstate.springexample;
