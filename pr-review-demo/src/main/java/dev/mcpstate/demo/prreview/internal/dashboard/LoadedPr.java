package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.PatchSet;
import dev.mcpstate.demo.prreview.internal.diff.UnifiedDiff;
import dev.mcpstate.store.internal.Digests;
import dev.mcpstate.store.internal.Json;


/**
 * The pull request under review.
 *
 * @param id     {@code pr-} and the first 10 hex digits of the diff's SHA-256: the same diff, the same id
 * @param title  the patch subject, or a name from where it came from
 * @param source where it came from ({@link PrSources.Loaded#source()})
 * @param diff   the diff text
 * @param patch  the parsed diff
 */
record LoadedPr(String id, String title, String source, String diff, PatchSet patch) {

    private static final ObjectMapper JSON = Json.MAPPER;

    /** @throws ApiException 400 when the text is not a unified diff */
    static LoadedPr of(PrSources.Loaded loaded) {
        PatchSet patch;
        try {
            patch = UnifiedDiff.parse(loaded.text());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        String title = patch.title() != null ? patch.title() : loaded.name();
        return new LoadedPr("pr-" + Digests.sha256Hex(loaded.text()).substring(0, 10), title, loaded.source(),
                loaded.text(), patch);
    }

    /** @return {@code {id, title, source, additions, deletions, files: [{path, status, additions, deletions}]}} */
    ObjectNode summary() {
        ObjectNode json = JSON.createObjectNode().put("id", id).put("title", title).put("source", source);
        ArrayNode files = json.putArray("files");
        int additions = 0;
        int deletions = 0;
        for (DiffFile file : patch.files()) {
            files.addObject().put("path", file.path()).put("status", file.status().wireName())
                    .put("additions", file.additions()).put("deletions", file.deletions());
            additions += file.additions();
            deletions += file.deletions();
        }
        return json.put("additions", additions).put("deletions", deletions);
    }
}
