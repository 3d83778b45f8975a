-- KEYS: streams, event-streams, stream-ages, closed-streams, then the events key of each stream; ARGV: closed cutoff
-- millis, then each stream's id in the order of the events keys  =>  entries deleted. Removes whole every stream
-- named that closed before the cutoff: its events key, its two fields in the streams hash, its id in the set of
-- stream ids, its age and its closing time, the four bookkeeping keys in one command each for all of them. A stream
-- that is gone already, or closed later (or not at all), is left as it is.
local cutoff, removed, ids, fields = tonumber(ARGV[1]), 0, {}, {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local closed_at = redis.call('ZSCORE', KEYS[4], id)
  if closed_at and tonumber(closed_at) < cutoff then
    local events = KEYS[i + 3]
    removed = removed + redis.call('XLEN', events)
    redis.call('DEL', events)
    ids[#ids + 1] = id
    fields[#fields + 1] = id
    fields[#fields + 1] = id .. '#n'
  end
end
if #ids > 0 then
  redis.call('HDEL', KEYS[1], unpack(fields))
  redis.call('SREM', KEYS[2], unpack(ids))
  redis.call('ZREM', KEYS[3], unpack(ids))
  redis.call('ZREM', KEYS[4], unpack(ids))
end
return removed
