/**
 * Implementation shared by both backends and the tool layer: argument validation, JSON shaping, tool
 * schemas. Not public API; may change without notice.
 */
package dev.mcpstate.sidecar.internal;
