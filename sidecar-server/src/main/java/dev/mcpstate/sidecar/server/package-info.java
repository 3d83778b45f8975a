/**
 * The standalone sidecar server: the sidecar tools over Streamable HTTP at {@code /mcp} (Jetty 12, ee10) or
 * over stdio. Entry point {@link dev.mcpstate.sidecar.server.SidecarMain}.
 */
package dev.mcpstate.sidecar.server;
