/**
 * What the filter tells operators: {@link dev.mcpstate.interceptor.internal.observe.FilterMetrics} records the
 * meters (OpenTelemetry's MCP names and mcp-state's own) when a registry is configured,
 * {@link dev.mcpstate.interceptor.internal.observe.TimedStorage} times every store operation,
 * {@link dev.mcpstate.interceptor.internal.observe.SummedGauge} sums a gauge over the filters of one process, and
 * {@link dev.mcpstate.interceptor.internal.observe.RequestIds} keeps or makes each request's {@code X-Request-Id} and
 * puts it in the logging MDC.
 */
package dev.mcpstate.interceptor.internal.observe;
