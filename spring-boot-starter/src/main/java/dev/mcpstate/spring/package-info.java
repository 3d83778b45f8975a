/**
 * The mcp-state Spring Boot starter: {@link dev.mcpstate.spring.McpStateAutoConfiguration} puts the session filter
 * in front of a Spring AI MCP server (Streamable HTTP on the servlet stack), configured by
 * {@link dev.mcpstate.spring.McpStateProperties} ({@code mcp-state.*}); Actuator health and Micrometer meters when
 * present.
 */
package dev.mcpstate.spring;
