/** JMH micro benchmarks of the hot paths: SSE parsing and one store round trip per backend. */
package dev.mcpstate.benchmarks.micro;
