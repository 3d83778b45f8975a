/**
 * The interceptor chain: {@link dev.mcpstate.interceptor.internal.chain.Interceptor} (one link),
 * {@link dev.mcpstate.interceptor.internal.chain.InterceptorChain} (runs them, each calls {@code proceed} at most
 * once) and {@link dev.mcpstate.interceptor.internal.chain.Exchange}, which carries what one link learns to the next.
 */
package dev.mcpstate.interceptor.internal.chain;
