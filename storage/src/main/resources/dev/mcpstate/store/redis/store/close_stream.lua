-- KEYS: streams; ARGV: streamId  =>  1 when the stream is stored, else 0
local v = close_stream(KEYS[1], ARGV[1])
return v and 1 or 0
