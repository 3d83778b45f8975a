/** Helpers shared by the backends and the other modules: the one JSON mapper, argument checks; not API. */
package dev.mcpstate.store.internal;
