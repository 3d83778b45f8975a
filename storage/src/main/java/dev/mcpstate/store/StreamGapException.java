package dev.mcpstate.store;

/**
 * An {@link EventStore#appendAfter} or {@link EventStore#appendAllAfter} refused because the stream does not hold
 * the number of events the producer expected: nothing was written. Either an earlier append of the same producer was
 * lost (the stream stays a prefix of what was produced) or it is still on its way and was overtaken — on Redis, an
 * append sent again with {@code EVAL} after Redis lost its script cache reaches the server after appends pipelined
 * behind it. A producer that still awaits its earlier append may send this one again once that one landed.
 */
public final class StreamGapException extends StoreException {

    private static final long serialVersionUID = 1L;

    /** @param message the stream, how many events it holds and how many were expected; not null */
    public StreamGapException(String message) {
        super(message);
    }
}
