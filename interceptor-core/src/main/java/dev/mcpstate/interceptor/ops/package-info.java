/**
 * Operating a server behind the filter: the names of its meters ({@link dev.mcpstate.interceptor.ops.McpStateMetrics}),
 * liveness and readiness ({@link dev.mcpstate.interceptor.ops.HealthServlet}), the Prometheus scrape
 * ({@link dev.mcpstate.interceptor.ops.PrometheusServlet}) and the log format of standalone servers
 * ({@link dev.mcpstate.interceptor.ops.LogFormat}). The servlets are plain {@code jakarta.servlet} servlets, mounted
 * next to the MCP endpoint, outside the session filter.
 */
package dev.mcpstate.interceptor.ops;
