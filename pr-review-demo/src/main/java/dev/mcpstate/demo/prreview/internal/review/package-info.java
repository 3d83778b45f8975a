/**
 * The reviewers: deterministic checks of a diff's added lines, no model involved. {@link
 * dev.mcpstate.demo.prreview.internal.review.ReviewKind} names the three kinds (security, performance, style);
 * each kind's reviewer turns one changed file into {@link dev.mcpstate.demo.prreview.internal.review.Finding}s.
 * Not API: internal to the demo.
 */
package dev.mcpstate.demo.prreview.internal.review;
