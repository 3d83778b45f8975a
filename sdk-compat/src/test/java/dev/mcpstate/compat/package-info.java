/** Checks that the examples' integration tests, run again here, run on the previous MCP Java SDK. */
package dev.mcpstate.compat;
