package dev.mcpstate.store.sidecar;

import java.util.List;

/**
 * The newest history entries and how many match in total.
 *
 * @param entries newest first; never null, unmodifiable
 * @param total how many entries match the query, including those not returned
 */
public record HistoryPage(List<HistoryEntry> entries, long total) {

    public HistoryPage {
        entries = List.copyOf(entries);
    }
}
