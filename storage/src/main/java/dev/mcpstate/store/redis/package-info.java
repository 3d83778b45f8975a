/**
 * The Redis backend of the session and event stores: sessions as hashes, events in Redis Streams, every key of a
 * session in one hash slot ({@link dev.mcpstate.store.redis.RedisKeys}), shared with the sidecar tools through
 * {@link dev.mcpstate.store.redis.RedisDatabase}. Many nodes; Redis Cluster compatible key layout.
 */
package dev.mcpstate.store.redis;
