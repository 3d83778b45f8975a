/** Not API: how the starter steers Spring AI's auto-configuration (transport veto, protocol default and check). */
package dev.mcpstate.spring.internal;
