-- ARGV: key|'', limit  =>  {total, {entry fields...}, ...} newest first
local key, limit = opt(ARGV[1]), num(ARGV[2])
local index = key and (B .. 'h:k:' .. key) or (B .. 'h:all')
local out = {redis.call('ZCARD', index)}
for _, id in ipairs(redis.call('ZREVRANGE', index, 0, limit - 1)) do
  out[#out + 1] = redis.call('HGETALL', B .. 'h:' .. id)
end
return out
