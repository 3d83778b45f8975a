/**
 * The dashboard over HTTP on Jetty 12: the JSON API ({@link dev.mcpstate.demo.prreview.internal.web.ApiServlet}),
 * the live feed as server-sent events ({@link dev.mcpstate.demo.prreview.internal.web.EventsServlet}, Jetty's
 * {@code EventSourceServlet}), the one-page dashboard from the class path, and the guard in front of them
 * ({@link dev.mcpstate.demo.prreview.internal.web.RequestGuard}). Not API: internal to the demo.
 */
package dev.mcpstate.demo.prreview.internal.web;
