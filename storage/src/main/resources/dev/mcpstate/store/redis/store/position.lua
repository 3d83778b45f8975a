-- KEYS: events; ARGV: entry id  =>  {} when no stream, {1} when stored, else {0, first id or '', last id}
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) > 0 then return {1} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local first, last = '', ''
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1]
  elseif info[i] == 'first-entry' and info[i + 1] then first = info[i + 1][1] end
end
return {0, first, last}
