package dev.mcpstate.examples.client;

/**
 * The text of the example server's {@code whoami} tool: {@code session=<sessionId> node=<nodeId>}.
 *
 * @param session the session id as the serving node's SDK sees it
 * @param node    the serving node's id
 */
record Whoami(String session, String node) {

    /**
     * @param text the tool's text result
     * @return the parsed result
     * @throws IllegalStateException when the text is not of that form
     */
    static Whoami parse(String text) {
        String[] parts = text.split(" ");
        if (parts.length != 2 || !parts[0].startsWith("session=") || !parts[1].startsWith("node=")) {
            throw new IllegalStateException("unexpected whoami result: " + text);
        }
        return new Whoami(parts[0].substring("session=".length()), parts[1].substring("node=".length()));
    }
}
