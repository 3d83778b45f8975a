-- KEYS: events; ARGV: cutoff millis  =>  entries deleted. Deletes entries older than the cutoff from the
-- oldest end, 100 at a time.
local cutoff, removed = tonumber(ARGV[1]), 0
while true do
  local batch, old = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 100), {}
  for _, e in ipairs(batch) do
    local f, t = e[2], nil
    for j = 1, #f, 2 do if f[j] == 't' then t = tonumber(f[j + 1]) end end
    if t and t >= cutoff then break end
    old[#old + 1] = e[1]
  end
  if #old > 0 then removed = removed + redis.call('XDEL', KEYS[1], unpack(old)) end
  if #old < 100 then return removed end
end
