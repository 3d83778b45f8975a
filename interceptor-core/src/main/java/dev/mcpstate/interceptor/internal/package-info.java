/**
 * The filter's implementation; not API. {@link dev.mcpstate.interceptor.internal.Node} is a started filter and
 * defines the order of the chain; {@link dev.mcpstate.interceptor.internal.Retention} keeps storage bounded.
 */
package dev.mcpstate.interceptor.internal;
