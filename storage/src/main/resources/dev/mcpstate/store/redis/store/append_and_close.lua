-- Appends a stream's last event and closes the stream.
-- KEYS: seq, events, event-streams, streams; ARGV: see append_entry  =>  entry id
local id = append_entry()
close_stream(KEYS[4], ARGV[3])
return id
