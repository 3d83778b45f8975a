/**
 * Where streams are served from the store: {@link dev.mcpstate.interceptor.internal.resume.StreamHub} appends and wakes
 * followers, {@link dev.mcpstate.interceptor.internal.resume.StreamFollower} replays after {@code Last-Event-ID} and
 * continues live.
 */
package dev.mcpstate.interceptor.internal.resume;
