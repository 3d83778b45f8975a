-- =>  {{run fields...}, ...} newest first
local out = {}
for _, id in ipairs(redis.call('ZREVRANGE', B .. 'wf:index', 0, -1)) do
  out[#out + 1] = redis.call('HGETALL', run_key(id))
end
return out
