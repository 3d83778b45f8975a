/** Command-line flags shared by the dashboard and the agents. Not API: internal to the demo. */
package dev.mcpstate.demo.prreview.internal.cli;
