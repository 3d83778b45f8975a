-- KEYS: session; ARGV: level  =>  0 when the session is not stored
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'logging_level', ARGV[1])
return 1
