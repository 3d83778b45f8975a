/**
 * Unified diffs ({@code git diff}, {@code git format-patch}, plain {@code diff -u}) parsed into files, hunks and
 * numbered lines. Not API: internal to the demo.
 */
package dev.mcpstate.demo.prreview.internal.diff;
