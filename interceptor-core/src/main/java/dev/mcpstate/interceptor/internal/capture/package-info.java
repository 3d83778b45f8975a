/**
 * Where responses are captured: wrappers of the servlet request and response that see every message the SDK writes
 * before the client does, and hand SSE events to a {@link dev.mcpstate.interceptor.internal.capture.StreamRecorder}.
 */
package dev.mcpstate.interceptor.internal.capture;
