-- KEYS: streams, closed-streams; ARGV: streamId, t, ttl  =>  1 when the stream is stored, else 0
local v = close_stream(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
return v and 1 or 0
