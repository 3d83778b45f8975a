-- ARGV: now  =>  {live key count, workflow count}
local now, n = ARGV[1], 0
for _, key in ipairs(redis.call('HKEYS', B .. 'kv:val')) do
  if live_kv(key, now) then n = n + 1 end
end
return {n, redis.call('ZCARD', B .. 'wf:index')}
