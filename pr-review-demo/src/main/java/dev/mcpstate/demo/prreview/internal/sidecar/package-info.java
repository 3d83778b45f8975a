/**
 * How the demo talks to the state sidecar: {@link dev.mcpstate.demo.prreview.internal.sidecar.SidecarClient} (the
 * official MCP Java SDK client over Streamable HTTP, one call per tool) and
 * {@link dev.mcpstate.demo.prreview.internal.sidecar.DemoKeys} (the one place that names the demo's keys, tags and
 * lease resources). Both the dashboard and the agents use them. Not API: internal to the demo.
 */
package dev.mcpstate.demo.prreview.internal.sidecar;
