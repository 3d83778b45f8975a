-- KEYS: event-streams, stream-ages, closed-streams; ARGV: cutoff millis, closed cutoff millis, limit  =>  the ids of
-- the streams retention must visit: the first `limit` closed before the closed cutoff, and the first `limit` whose
-- oldest event is older than the cutoff, or every stream of a session written before stream ages were kept (more
-- stream ids than ages; visiting them records their ages). Each id once. Visiting removes or re-ages a stream, so
-- asking again gives the next ones.
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2], 'LIMIT', 0, ARGV[3])
local aged
if redis.call('SCARD', KEYS[1]) > redis.call('ZCARD', KEYS[2]) then
  aged = redis.call('SMEMBERS', KEYS[1])
else
  aged = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[3])
end
if #ids == 0 then return aged end
local seen = {}
for _, id in ipairs(ids) do seen[id] = true end
for _, id in ipairs(aged) do
  if not seen[id] then ids[#ids + 1] = id end
end
return ids
