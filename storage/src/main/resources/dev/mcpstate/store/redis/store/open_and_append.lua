-- Opens a stream and appends its first event.
-- KEYS: seq, events, event-streams, streams; ARGV: see append_entry, then stream info  =>  entry id
redis.call('HSETNX', KEYS[4], ARGV[3], ARGV[9])
local id = append_entry()
refresh_expiry(ARGV[1])
return id
