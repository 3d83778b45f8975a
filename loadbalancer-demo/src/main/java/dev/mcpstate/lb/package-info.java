/**
 * A demo round-robin load balancer for mcp-state nodes (no session affinity, on purpose): Jetty's proxy servlet in
 * front of a pool of backends with passive and active health checks, streaming SSE through unbuffered. It shows
 * that any node can serve any session; it is not a production load balancer.
 */
package dev.mcpstate.lb;
