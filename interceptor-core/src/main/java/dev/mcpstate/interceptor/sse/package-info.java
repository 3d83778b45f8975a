/**
 * The SSE wire format ({@code text/event-stream}): the incremental parser the filter and the project's client use, and
 * the frames the filter writes.
 */
package dev.mcpstate.interceptor.sse;
