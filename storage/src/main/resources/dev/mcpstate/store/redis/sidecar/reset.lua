-- ARGV: now  =>  {cleared}. Deletes every sidecar key except the counters in B..'seq'.
local now = ARGV[1]
local cleared = redis.call('HLEN', B .. 'kv:val') + redis.call('ZCARD', B .. 'wf:index')
  + redis.call('HLEN', B .. 'lease:holder') + redis.call('HLEN', B .. 'sess:ctx') + redis.call('ZCARD', B .. 'h:all')
for _, id in ipairs(redis.call('ZRANGE', B .. 'wf:index', 0, -1)) do
  redis.call('DEL', run_key(id), run_key(id) .. ':steps')
end
for _, id in ipairs(redis.call('ZRANGE', B .. 'h:all', 0, -1)) do
  redis.call('DEL', B .. 'h:' .. id)
end
for _, key in ipairs(redis.call('SMEMBERS', B .. 'h:keys')) do
  redis.call('DEL', B .. 'h:k:' .. key)
end
for _, name in ipairs({'kv:val', 'kv:ver', 'kv:exp', 'kv:expz', 'wf:index', 'lease:holder', 'lease:exp', 'lease:tok',
    'sess:ctx', 'sess:at', 'h:all', 'h:keys'}) do
  redis.call('DEL', B .. name)
end
log(nil, 'reset', '{"cleared":' .. fmt(cleared) .. '}', nil, nil, now)
return {cleared}
