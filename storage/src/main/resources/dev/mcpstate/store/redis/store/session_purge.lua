-- KEYS: all keys of a session, record first; ARGV: idle cutoff millis  =>  1 when the session was deleted
local h = redis.call('HMGET', KEYS[1], 'status', 'last_seen_at')
if h[1] and h[1] ~= 'CLOSED' and h[1] ~= 'EXPIRED' and tonumber(h[2]) >= tonumber(ARGV[1]) then
  return 0
end
for i = 1, #KEYS, 1000 do redis.call('DEL', unpack(KEYS, i, math.min(i + 999, #KEYS))) end
return 1
