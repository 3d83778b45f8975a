-- Replaces a session record. KEYS: session, streams, event-streams, seq, stream-ages, closed-streams; ARGV: ttl,
-- then field/value pairs  =>  1
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
refresh_expiry(ARGV[1])
return 1
