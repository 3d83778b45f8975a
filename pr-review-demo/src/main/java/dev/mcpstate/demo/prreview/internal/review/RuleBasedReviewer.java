package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;
import dev.mcpstate.demo.prreview.internal.diff.PatchSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A reviewer made of line rules (at most one finding per rule and line) and, optionally, checks of whole files. */
abstract class RuleBasedReviewer implements Reviewer {

    private final List<LineRule> rules;

    RuleBasedReviewer(List<LineRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public final List<Finding> review(DiffFile file, PatchSet pr) {
        List<Finding> findings = new ArrayList<>();
        if (!file.binary()) {
            for (AddedLine line : LoopScanner.scan(file)) {
                for (LineRule rule : rules) {
                    if (rule.applies().test(line)) {
                        String rationale = rule.check().apply(line);
                        if (rationale != null) {
                            findings.add(finding(file, line.number(), rule.severity(), rule.id(), rationale));
                        }
                    }
                }
            }
        }
        findings.addAll(fileFindings(file, pr));
        findings.sort(Comparator.comparingInt(Finding::line).thenComparing(Finding::rule));
        return List.copyOf(findings);
    }

    /** @return findings about the file as a whole; none by default */
    List<Finding> fileFindings(DiffFile file, PatchSet pr) {
        return List.of();
    }

    final Finding finding(DiffFile file, int line, Severity severity, String rule, String rationale) {
        return new Finding(kind().wireName(), file.path(), line, severity, rule, rationale);
    }
}
