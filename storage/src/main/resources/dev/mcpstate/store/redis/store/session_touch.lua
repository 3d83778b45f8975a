-- KEYS: session, streams, event-streams, seq, stream-ages, closed-streams; ARGV: ttl, last-seen millis  =>  0 when the session is
-- not stored
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'last_seen_at', ARGV[2])
refresh_expiry(ARGV[1])
return 1
