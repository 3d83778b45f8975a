-- KEYS: events, streams, event-streams, stream-ages, closed-streams; ARGV: cutoff millis, streamId, closed cutoff
-- millis  =>  entries deleted. A stream closed before the closed cutoff is removed whole: its events key, its two
-- fields in the streams hash, its id in the set of stream ids, its age and its closing time. Otherwise deletes
-- entries older than the cutoff from the oldest end, 100 at a time, then records the stream's new age (the time of
-- its oldest event, 'inf' when it has none); a closed stream left without entries is removed whole too, so a
-- long-lived session does not keep one empty stream per request it ever answered.
local function remove_stream()
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[2], ARGV[2], ARGV[2] .. '#n')
  redis.call('SREM', KEYS[3], ARGV[2])
  redis.call('ZREM', KEYS[4], ARGV[2])
  redis.call('ZREM', KEYS[5], ARGV[2])
end

local closed_at = redis.call('ZSCORE', KEYS[5], ARGV[2])
if closed_at and tonumber(closed_at) < tonumber(ARGV[3]) then
  local count = redis.call('XLEN', KEYS[1])
  remove_stream()
  return count
end
local cutoff, removed = tonumber(ARGV[1]), 0
local oldest
while true do
  local batch, old = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 100), {}
  oldest = nil
  for _, e in ipairs(batch) do
    local f, t = e[2], nil
    for j = 1, #f, 2 do if f[j] == 't' then t = tonumber(f[j + 1]) end end
    if t and t >= cutoff then oldest = t break end
    old[#old + 1] = e[1]
  end
  if #old > 0 then removed = removed + redis.call('XDEL', KEYS[1], unpack(old)) end
  if #old < 100 then break end
end
if oldest then
  redis.call('ZADD', KEYS[4], oldest, ARGV[2])
  return removed
end
-- no entry was recent enough to stop the loop: the stream is empty now
local info = redis.call('HGET', KEYS[2], ARGV[2])
if info and string.find(info, '^[^|]*|1|') then
  remove_stream()
else
  redis.call('ZADD', KEYS[4], 'inf', ARGV[2])
end
return removed
