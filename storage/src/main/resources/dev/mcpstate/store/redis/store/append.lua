-- KEYS: seq, events, event-streams, streams; ARGV: ttl, maxlen, streamId, t, dir, msg  =>  entry id
local id = append_entry()
refresh_expiry(ARGV[1])
return id
