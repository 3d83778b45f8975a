-- Appends a stream's last event and closes the stream.
-- KEYS: seq, events, event-streams, streams; ARGV: ttl, maxlen, streamId, t, dir, msg  =>  entry id
local id = append_entry()
close_stream(KEYS[4], ARGV[3])
refresh_expiry(ARGV[1])
return id
