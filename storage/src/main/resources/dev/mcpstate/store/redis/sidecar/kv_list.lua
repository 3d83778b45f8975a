-- ARGV: prefix, now  =>  {key, ...} live keys with the prefix, unordered
local prefix, now = ARGV[1], ARGV[2]
local out = {}
for _, key in ipairs(redis.call('HKEYS', B .. 'kv:val')) do
  if string.sub(key, 1, #prefix) == prefix then
    if live_kv(key, now) then
      out[#out + 1] = key
    end
  end
end
return out
