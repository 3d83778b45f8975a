/**
 * The Redis backend ({@link dev.mcpstate.store.redis.RedisBackend}): sessions as hashes, events in Redis Streams,
 * sidecar state and the cluster bus, every key in {@link dev.mcpstate.store.redis.RedisKeys}, every multi-step write
 * one Lua script in one hash slot. Many nodes.
 */
package dev.mcpstate.store.redis;
