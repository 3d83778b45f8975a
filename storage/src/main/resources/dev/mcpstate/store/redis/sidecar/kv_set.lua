-- ARGV: key, value, expires_at|'', agent|'', expected_version|'', now  =>  {written 0|1, version}
local key, value, exp, agent, expected, now = ARGV[1], ARGV[2], opt(ARGV[3]), opt(ARGV[4]), opt(ARGV[5]), ARGV[6]
local old, oldver = live_kv(key, now)
local current = oldver or '0'
if expected and num(expected) ~= num(current) then return {0, current} end
local ver = redis.call('HINCRBY', B .. 'seq', 'revision', 1)
redis.call('HSET', B .. 'kv:val', key, value)
redis.call('HSET', B .. 'kv:ver', key, ver)
if exp then
  redis.call('HSET', B .. 'kv:exp', key, exp)
  redis.call('ZADD', B .. 'kv:expz', exp, key)
else
  redis.call('HDEL', B .. 'kv:exp', key)
  redis.call('ZREM', B .. 'kv:expz', key)
end
log(key, 'state_set', value, old, agent, now)
purge_expired(now)
return {1, ver}
