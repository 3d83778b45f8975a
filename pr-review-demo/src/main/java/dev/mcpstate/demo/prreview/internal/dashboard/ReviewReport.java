package dev.mcpstate.demo.prreview.internal.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpstate.store.internal.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpstate.demo.prreview.internal.review.Finding;
import dev.mcpstate.demo.prreview.internal.review.ReviewKind;
import dev.mcpstate.demo.prreview.internal.review.Severity;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregate of one pull request's reviews: the findings of the chosen run of each kind, worst first, as JSON and
 * as a Markdown report grouped by severity. Immutable.
 *
 * @param pr       the pull request
 * @param runs     the run chosen for each kind that has one, in kind order
 * @param findings every finding with the agent that checkpointed it, in {@link Finding#REPORT_ORDER}
 */
record ReviewReport(LoadedPr pr, List<RunPart> runs, List<Entry> findings) {

    private static final ObjectMapper JSON = Json.MAPPER;

    /**
     * One kind's run as the report saw it.
     *
     * @param runId    the run
     * @param kind     its kind
     * @param status   its status when read
     * @param reviewed how many files have a checkpoint
     * @param agents   the agents that checkpointed them, in step order, each once
     */
    record RunPart(String runId, ReviewKind kind, String status, int reviewed, List<String> agents) {
    }

    /**
     * A finding and where it came from.
     *
     * @param finding the finding
     * @param agentId the agent whose checkpoint holds it
     * @param step    the checkpoint's step (the file's index in the diff)
     */
    record Entry(Finding finding, String agentId, int step) {
    }

    ReviewReport {
        runs = List.copyOf(runs);
        findings = findings.stream().sorted(Comparator.comparing(Entry::finding, Finding.REPORT_ORDER)).toList();
    }

    /** @return true when every kind has a completed run */
    boolean complete() {
        return runs.size() == ReviewKind.values().length && runs.stream().allMatch(r -> r.status().equals("completed"));
    }

    /** @return how many findings of each severity, worst first; every severity present */
    Map<Severity, Integer> counts() {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            counts.put(s, 0);
        }
        findings.forEach(e -> counts.merge(e.finding().severity(), 1, Integer::sum));
        return counts;
    }

    /** @return {@code {pr, complete, runs, counts, findings, markdown}} */
    ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.set("pr", pr.summary());
        json.put("complete", complete());
        ArrayNode runArray = json.putArray("runs");
        for (RunPart run : runs) {
            ObjectNode r = runArray.addObject().put("run_id", run.runId()).put("kind", run.kind().wireName())
                    .put("status", run.status()).put("files_reviewed", run.reviewed())
                    .put("files_total", pr.patch().files().size());
            run.agents().forEach(r.putArray("agents")::add);
        }
        ObjectNode counts = json.putObject("counts");
        counts().forEach((severity, n) -> counts.put(severity.wireName(), n));
        ArrayNode array = json.putArray("findings");
        for (Entry e : findings) {
            ObjectNode f = JSON.valueToTree(e.finding());
            array.add(f.put("agent_id", e.agentId()).put("step", e.step()));
        }
        return json.put("markdown", markdown());
    }

    /** @return the report as Markdown: a summary, then one table per severity that has findings */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Review: ").append(inline(pr.title())).append("\n\n");
        md.append("- Pull request: `").append(pr.id()).append("` from ").append(inline(pr.source())).append('\n');
        md.append("- Files: ").append(pr.patch().files().size()).append('\n');
        for (ReviewKind kind : ReviewKind.values()) {
            RunPart run = runs.stream().filter(r -> r.kind() == kind).findFirst().orElse(null);
            md.append("- ").append(kind.label()).append(" review: ");
            if (run == null) {
                md.append("not registered\n");
            } else {
                md.append(run.status()).append(", ").append(run.reviewed()).append('/')
                        .append(pr.patch().files().size()).append(" files (run `").append(run.runId()).append('`');
                if (!run.agents().isEmpty()) {
                    md.append(", by ").append(String.join(", ", run.agents()));
                }
                md.append(")\n");
            }
        }
        Map<Severity, Integer> counts = counts();
        md.append("\n**").append(findings.size()).append(findings.size() == 1 ? " finding" : " findings").append("**");
        StringBuilder parts = new StringBuilder();
        counts.forEach((severity, n) -> {
            if (n > 0) {
                parts.append(parts.length() == 0 ? "" : ", ").append(n).append(' ').append(severity.wireName());
            }
        });
        md.append(parts.length() == 0 ? "" : ": " + parts).append(complete() ? "" : " (reviews not complete yet)")
                .append("\n");
        for (Severity severity : Severity.values()) {
            List<Entry> group = findings.stream().filter(e -> e.finding().severity() == severity).toList();
            if (group.isEmpty()) {
                continue;
            }
            String name = severity.wireName();
            md.append("\n## ").append(Character.toUpperCase(name.charAt(0))).append(name.substring(1))
                    .append(" (").append(group.size()).append(")\n\n");
            md.append("| File | Line | Review | Rule | Why |\n|---|---:|---|---|---|\n");
            for (Entry e : group) {
                Finding f = e.finding();
                md.append("| ").append(cell(f.file())).append(" | ").append(f.line()).append(" | ").append(f.kind())
                        .append(" | ").append(cell(f.rule())).append(" | ").append(cell(f.message())).append(" |\n");
            }
        }
        return md.toString();
    }

    /** Table cell text: no line breaks, pipes escaped, Markdown and HTML markers taken literally. */
    private static String cell(String text) {
        return inline(text).replace("|", "\\|");
    }

    private static String inline(String text) {
        return text.replaceAll("[\\r\\n]+", " ").replaceAll("([\\\\`*_\\[\\]<>#])", "\\\\$1");
    }
}
