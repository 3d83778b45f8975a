package dev.mcpstate.store.redis;

import dev.mcpstate.store.sidecar.HistoryEntry;
import dev.mcpstate.store.sidecar.Lease;
import dev.mcpstate.store.sidecar.LeaseOutcome;
import dev.mcpstate.store.sidecar.RunChange;
import dev.mcpstate.store.sidecar.WorkflowRun;
import dev.mcpstate.store.sidecar.WorkflowStatus;
import dev.mcpstate.store.internal.Json;
import dev.mcpstate.store.StoreException;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Decodes the scripts' array replies into the SPI's records. */
final class RedisReplies {

    private RedisReplies() {
    }

    static long asLong(Object reply) {
        if (reply instanceof Long l) {
            return l;
        }
        if (reply instanceof String s) {
            return Long.parseLong(s);
        }
        throw new StoreException("unexpected Redis reply: " + reply);
    }

    static boolean flag(List<Object> reply) {
        return asLong(reply.get(0)) == 1;
    }

    static Instant instant(Object reply) {
        return reply == null ? null : Instant.ofEpochMilli(asLong(reply));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object reply) {
        return (List<Object>) reply;
    }

    /** A flat {@code HGETALL} reply, from the given offset, as a map. */
    static Map<String, String> fields(List<Object> flat, int from) {
        Map<String, String> map = new HashMap<>();
        for (int i = from; i + 1 < flat.size(); i += 2) {
            map.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return map;
    }

    static WorkflowRun run(Map<String, String> f) {
        if (!f.containsKey("run_id")) {
            throw new StoreException("corrupt workflow hash in Redis: " + f.keySet());
        }
        String lastStep = f.get("last_step");
        return new WorkflowRun(f.get("run_id"), f.get("name"), WorkflowStatus.fromWireName(f.get("status")),
                Json.tagsFromJson(f.get("tags")), f.get("agent_id"),
                lastStep == null ? null : Integer.valueOf(lastStep), Long.parseLong(f.getOrDefault("fencing_token", "0")),
                instant(f.get("claim_expires_at")), f.get("result"), f.get("error"), instant(f.get("created_at")),
                instant(f.get("updated_at")));
    }

    /** {@code {0}} for an unknown run, else {@code {applied, run fields...}}. */
    static RunChange runChange(List<Object> reply) {
        if (reply.size() == 1) {
            return RunChange.notFound();
        }
        return new RunChange(flag(reply), run(fields(reply, 1)));
    }

    /** {@code {granted}} or {@code {granted, holder, expires_at, token}}. */
    static LeaseOutcome leaseOutcome(String resourceId, List<Object> reply) {
        Lease lease = reply.size() < 4 ? null
                : new Lease(resourceId, (String) reply.get(1), instant(reply.get(2)), asLong(reply.get(3)));
        return new LeaseOutcome(flag(reply), lease);
    }

    static HistoryEntry historyEntry(Map<String, String> f) {
        return new HistoryEntry(Long.parseLong(f.get("id")), f.get("key"), f.get("op"), f.get("new"), f.get("prev"),
                f.get("agent"), instant(f.get("at")));
    }
}
