-- KEYS: session; ARGV: new status  =>  1 when a non-terminal session now has the status
local s = redis.call('HGET', KEYS[1], 'status')
if not s or s == 'CLOSED' or s == 'EXPIRED' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
return 1
