/**
 * The benchmark harness ({@code benchmarks/run.sh}): server processes under test, the load generator, the scenarios
 * and their report, and the kill-a-node drill ({@code benchmarks/drill.sh}). Not a library; nothing here is API.
 */
package dev.mcpstate.benchmarks;
