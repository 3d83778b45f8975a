/**
 * The dashboard's logic, apart from HTTP: the demo session ({@link
 * dev.mcpstate.demo.prreview.internal.dashboard.DemoService}), the agent processes it starts and kills, where pull
 * requests come from, the state view of the sidecar, the aggregate report, and the event hub that feeds the live
 * panels. Not API: internal to the demo.
 */
package dev.mcpstate.demo.prreview.internal.dashboard;
