-- Opens a stream and appends its first event.
-- KEYS: seq, events, event-streams, streams; ARGV: ttl, maxlen, streamId, t, dir, msg, stream info  =>  entry id
redis.call('HSETNX', KEYS[4], ARGV[3], ARGV[7])
local id = append_entry()
refresh_expiry(ARGV[1])
return id
