/**
 * A reviewer agent: a separate JVM process ({@link dev.mcpstate.demo.prreview.internal.agent.AgentMain}) that
 * talks to the state sidecar only over MCP, and reports what it does as JSON lines on standard output for the
 * dashboard that started it. Not API: internal to the demo.
 */
package dev.mcpstate.demo.prreview.internal.agent;
