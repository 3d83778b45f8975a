/**
 * Jetty handlers behind {@link dev.mcpstate.jetty.McpStateJetty#harden}: JSON-RPC error bodies instead of HTML
 * pages, and request bodies read in full, without holding a thread, before the servlet runs. Not an API.
 */
package dev.mcpstate.jetty.internal;
