package dev.mcpstate.demo.prreview.internal.sidecar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one demo session keeps its state in the sidecar. Every key starts with {@code prreview/<demo id>/} and
 * every run carries the tag {@code demo=<demo id>}, so one sidecar holds any number of demo sessions apart and
 * "reset" is only a new demo id:
 *
 * <table>
 *   <caption>Keys, tags and leases</caption>
 *   <tr><th>what</th><th>name</th><th>written by</th></tr>
 *   <tr><td>the pull request (id, title, source, diff)</td><td>{@code prreview/<demo>/pr/<pr id>}</td>
 *       <td>dashboard</td></tr>
 *   <tr><td>an agent's heartbeat (what it does now)</td><td>{@code prreview/<demo>/agents/<agent id>}</td>
 *       <td>that agent, with a TTL</td></tr>
 *   <tr><td>a run's progress (files done, findings)</td><td>{@code prreview/<demo>/progress/<run id>}</td>
 *       <td>the run's claimer</td></tr>
 *   <tr><td>a run's review slot (lease resource)</td><td>{@code prreview/<demo>/slot/<run id>}</td>
 *       <td>the run's claimer</td></tr>
 *   <tr><td>run tags</td><td>{@code app=pr-review, demo, pr, kind}</td><td>dashboard</td></tr>
 * </table>
 *
 * @param demoId the demo session's id, e.g. {@code demo-3f9a1c}
 */
public record DemoKeys(String demoId) {

    /** The {@code app} tag of every run of this demo. */
    public static final String APP = "pr-review";

    /** @return the prefix of every key of this demo session */
    public String prefix() {
        return "prreview/" + demoId + "/";
    }

    /** @return the key holding a pull request */
    public String pr(String prId) {
        return prefix() + "pr/" + prId;
    }

    /** @return the key of an agent's heartbeat */
    public String agent(String agentId) {
        return prefix() + "agents/" + agentId;
    }

    /** @return the key of a run's progress */
    public String progress(String runId) {
        return prefix() + "progress/" + runId;
    }

    /** @return the lease resource of a run's review slot */
    public String slot(String runId) {
        return prefix() + "slot/" + runId;
    }

    /** @return the tags that find every run of this demo session */
    public Map<String, Object> demoTags() {
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("app", APP);
        tags.put("demo", demoId);
        return tags;
    }

    /** @return the tags of a run reviewing {@code prId} for {@code kind} */
    public Map<String, Object> runTags(String prId, String kind) {
        Map<String, Object> tags = demoTags();
        tags.put("pr", prId);
        tags.put("kind", kind);
        return tags;
    }

    /** @return the tags that find the runs an agent of {@code kind} works on */
    public Map<String, Object> kindTags(String kind) {
        Map<String, Object> tags = demoTags();
        tags.put("kind", kind);
        return tags;
    }
}
