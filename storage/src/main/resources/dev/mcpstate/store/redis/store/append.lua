-- KEYS: seq, events, event-streams, streams; ARGV: see append_entry  =>  entry id
return append_entry()
