/**
 * The README's "Wrap your own server" example as a class that compiles and runs: an MCP Java SDK server on Jetty
 * 12 wrapped by mcp-state ({@code ReadmeSnippetTest} checks that the README shows this file verbatim).
 */
package dev.mcpstate.examples.wrap;
