-- ARGV: key, agent|'', now  =>  {removed 0|1}
local key, agent, now = ARGV[1], opt(ARGV[2]), ARGV[3]
local v = live_kv(key, now)
redis.call('HDEL', B .. 'kv:val', key)
redis.call('HDEL', B .. 'kv:ver', key)
redis.call('HDEL', B .. 'kv:exp', key)
redis.call('ZREM', B .. 'kv:expz', key)
if not v then return {0} end
log(key, 'state_delete', nil, v, agent, now)
return {1}
