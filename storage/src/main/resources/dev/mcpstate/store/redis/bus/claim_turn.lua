-- KEYS: the task's turn key; ARGV: owner, turn millis  =>  1 when the owner has the turn now, else 0. A turn nobody
-- holds (or that expired) goes to the caller; the holder renews its own.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
