/**
 * The distributed PR-review demo: a dashboard ({@link dev.mcpstate.demo.prreview.PrReviewDemo}, started from the
 * command line by {@link dev.mcpstate.demo.prreview.PrReviewDemoMain}) and three kinds of reviewer agents —
 * security, performance, style — that run as separate processes and coordinate only through the state-sidecar
 * tools over MCP: workflow runs they discover by tags and claim with an expiring claim, a review-slot lease they
 * renew while working, a checkpoint per reviewed file, and resumption from the last checkpoint when an agent
 * crashes.
 *
 * <p>The public API is this package: {@link dev.mcpstate.demo.prreview.PrReviewDemo},
 * {@link dev.mcpstate.demo.prreview.DemoOptions} and {@link dev.mcpstate.demo.prreview.AgentTimings}. Everything
 * under {@code internal} may change without notice.
 */
package dev.mcpstate.demo.prreview;
