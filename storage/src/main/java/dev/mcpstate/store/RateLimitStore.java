package dev.mcpstate.store;

/**
 * Token buckets kept in the shared store, so that every node sharing a backend applies one limit per bucket: a
 * caller who spreads requests over many nodes gets no more than from one.
 *
 * <p>A bucket holds up to {@code capacity} tokens and starts full. Tokens flow back at {@code refillPerSecond},
 * continuously, as measured by the store's clock (the {@link java.time.Clock} the {@link Storage} was opened with),
 * never beyond {@code capacity}. Each {@link #take} removes one token when there is a whole one. A bucket nobody
 * took from for as long as refilling it from empty takes is full again; backends drop such buckets (Redis: a key
 * expiry; SQLite and memory: removed by later takes), which changes nothing a caller can observe.
 *
 * <p>Callers may use different capacities and rates on the same key over time (a changed configuration): the
 * stored tokens are then capped at the new capacity. Clocks of different nodes may disagree a little: a take whose
 * time is before the bucket's last take refills nothing.
 *
 * <p>Thread-safe. Every take is atomic across all nodes and threads sharing the backend: {@code N} concurrent takes
 * from a full bucket of capacity {@code C} (and a clock that stands still) allow exactly {@code min(N, C)}.
 */
public interface RateLimitStore {

    /**
     * Takes one token from a bucket, creating it full when absent.
     *
     * @param key             names the bucket, e.g. {@code principal:alice} or {@code addr:203.0.113.7}; any
     *                        non-blank string; not null
     * @param capacity        the most tokens the bucket holds (the burst); at least 1
     * @param refillPerSecond tokens added per second of the store's clock; positive and finite
     * @return whether the token was taken, how many whole tokens are left, and how long until the next one
     * @throws IllegalArgumentException when an argument is out of range
     * @throws StoreException           when the store cannot be reached or the write fails
     */
    RateLimitDecision take(String key, int capacity, double refillPerSecond);
}
