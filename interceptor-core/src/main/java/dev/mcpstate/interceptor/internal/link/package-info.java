/**
 * The links of the chain, one job each; {@link dev.mcpstate.interceptor.internal.Node} puts them in order.
 */
package dev.mcpstate.interceptor.internal.link;
