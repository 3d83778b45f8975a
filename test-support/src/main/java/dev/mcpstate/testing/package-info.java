/** What the tests share: a real Redis to test against, free ports, a movable clock. */
package dev.mcpstate.testing;
