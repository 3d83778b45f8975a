package dev.mcpstate.sidecar.internal;

import java.util.Map;
import java.util.function.Function;

/**
 * One tool: its name, description for the model, schemas, hints and handler. The handler gets the call (the
 * caller, the store of the caller's tenant, the arguments) and returns the structured result (plain maps, lists,
 * strings, numbers, booleans, nulls) or throws {@link ToolError}.
 *
 * @param readOnly true when the tool changes nothing
 * @param destructive true when the tool may delete data
 */
public record ToolDef(String name, String description, Map<String, Object> inputSchema,
        Map<String, Object> outputSchema, boolean readOnly, boolean destructive,
        Function<ToolCall, Map<String, Object>> handler) {

    /** A tool that changes state without deleting. */
    public static ToolDef write(String name, String description, Schema input, Schema output,
            Function<ToolCall, Map<String, Object>> handler) {
        return new ToolDef(name, description, input.build(), output.build(), false, false, handler);
    }

    /** A tool that only reads. */
    public static ToolDef read(String name, String description, Schema input, Schema output,
            Function<ToolCall, Map<String, Object>> handler) {
        return new ToolDef(name, description, input.build(), output.build(), true, false, handler);
    }

    /** A tool that may delete data. */
    public static ToolDef destructive(String name, String description, Schema input, Schema output,
            Function<ToolCall, Map<String, Object>> handler) {
        return new ToolDef(name, description, input.build(), output.build(), false, true, handler);
    }
}
