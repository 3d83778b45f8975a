/**
 * The only code that touches MCP Java SDK internals ({@link dev.mcpstate.interceptor.internal.sdk.SdkSessions}), and
 * the store-backed listening stream the SDK sessions write to.
 */
package dev.mcpstate.interceptor.internal.sdk;
