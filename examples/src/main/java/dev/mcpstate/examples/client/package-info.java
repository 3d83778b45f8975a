/**
 * Example MCP clients ({@code DemoClient}, {@code ContinueSession}, {@code ResumeDemo}) and the project's one
 * Streamable HTTP client, {@link dev.mcpstate.examples.client.McpHttpClient}, which the tests and benchmarks use too.
 */
package dev.mcpstate.examples.client;
