/** JSON-RPC error bodies and codes, and the one mapping from HTTP status to code. */
package dev.mcpstate.interceptor.internal.http;
