-- ARGV: now, log ('always' | 'if-cleared')  =>  {cleared}. Deletes every key of this tenant except the counters in
-- B..'seq', then logs one reset entry: always, or only when something was deleted (a reset of every tenant logs in
-- each tenant that lost something, and always in the caller's).
local now, mode = ARGV[1], ARGV[2]
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
if mode ~= 'if-cleared' or cleared > 0 then
  log(nil, 'reset', '{"cleared":' .. fmt(cleared) .. '}', nil, nil, now)
end
return {cleared}
